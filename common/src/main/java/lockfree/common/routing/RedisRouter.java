package lockfree.common.routing;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.common.metrics.GatewayMetrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The cluster router: gateway nodes deliver to each other's users through Redis Pub/Sub.
 *
 * <h2>Routing</h2>
 * Each node subscribes to {@code gateway:user:<uid>} for every user logged in on it, and to the
 * shared {@code gateway:all}. A message for a user held on this node is delivered here, without a
 * Redis round trip; for anyone else it is published on the user's channel, which only the node
 * holding the user listens to, so a unicast costs one node, not all of them. A broadcast is
 * delivered here and published once on {@code gateway:all}; each other node delivers it to its
 * own users, and this node skips the echo by the node id in front of the frame ({@link RedisMessage}).
 *
 * <h2>One holder per user: claims</h2>
 * Within a node, {@link SessionManager#bind} kicks the older session. Across nodes, a node that
 * logs a user in publishes a <em>claim</em> ({@code claim <node> <login-millis>}) on the user's
 * channel once its own subscription is confirmed. A node holding an older login of that user
 * kicks it; a node holding a newer one answers with its own claim, which makes the older holder
 * kick. Publishing only after subscribing closes the race of two near-simultaneous logins: Redis
 * orders the two subscriptions, and the later subscriber's claim reaches the earlier one. Claims
 * are re-published after every reconnection, so two sessions created while Redis was away are
 * reconciled as soon as it is back. "Older" is by wall clock (node id breaks ties): between
 * nodes whose clocks disagree by more than the time between two logins, the wrong one may win, but
 * exactly one wins.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Event loops (and /push) call {@link #toUser} and friends: local delivery, then an offer to
 *       the bounded, lock-free publish queue. Never a Redis call, never a wait.</li>
 *   <li>The <b>publisher</b> {@link Worker} owns both Redis connections' command side. It drains up
 *       to {@link Options#maxBatch} publishes into Lettuce with auto-flush off and then flushes
 *       them in one write: the plan's "local queue + worker" batching. It never waits for more:
 *       it flushes as soon as the queue runs dry, so at low load a publish goes out alone at once,
 *       and under load batches form by themselves while the previous write is on its way.
 *       Subscription changes are batched the same way, many channels per SUBSCRIBE.</li>
 *   <li>Lettuce's I/O thread only hands each received message to the <b>inbox</b> {@link Worker},
 *       which parses it and offers it to local send queues (a broadcast walks every local user,
 *       which must not stall the Redis connection).</li>
 *   <li>A <b>connector</b> thread (re)connects with backoff. On one Redis, Lettuce's own
 *       reconnect is off: after a reconnect we must resubscribe from the {@link SessionManager},
 *       the truth about who is here, and fail (count) what was in flight rather than buffer it
 *       without bound. On a cluster Lettuce keeps the node connections; the link reports topology
 *       changes and the publisher subscribes everyone again from the session manager.</li>
 * </ul>
 *
 * <h2>One Redis or a cluster</h2>
 * The Redis side is a {@link RedisLink}: {@link StandaloneRedisLink} (PUBLISH, SUBSCRIBE) for
 * {@code redis://}, {@link ClusterRedisLink} (sharded SPUBLISH, SSUBSCRIBE) for
 * {@code redis-cluster://}. Everything above (queues, batching, claims, acks) is the same.
 *
 * <h2>Nothing lost without a trace</h2>
 * Every message that does not reach Redis or a local queue is counted in
 * {@code gateway_router_dropped_total{reason}}; a publish no node was listening to is counted in
 * {@code gateway_router_unheard_total}. A message for one remote user is answered when Redis
 * answers its PUBLISH: {@code ok} only if Redis counted a subscriber, {@code offline} if it
 * counted none (e.g. the holder is still re-subscribing after a reconnection), {@code dropped}
 * if Redis never answered; what can still be lost after an {@code ok} is in docs/PROTOCOL.md,
 * "What Redis Pub/Sub promises".
 */
public final class RedisRouter implements Router {
    private static final Logger log = LoggerFactory.getLogger(RedisRouter.class);

    static {
        preferEpollQuietly();
    }

    /**
     * netty-all brings both epoll and io_uring; Lettuce then picks epoll (as the gateway does)
     * but warns about it on every connection. Say "epoll" up front unless the user chose. Call
     * before the first Lettuce client of the JVM is made.
     */
    public static void preferEpollQuietly() {
        if (System.getProperty("io.lettuce.core.iouring") == null) {
            System.setProperty("io.lettuce.core.iouring", "false");
        }
    }

    static final String USER_CHANNEL = "gateway:user:";
    static final String ALL_CHANNEL = "gateway:all";

    private static final long RETRY_MIN_MILLIS = 50;
    private static final long RETRY_MAX_MILLIS = 1000;
    /** Channels per SUBSCRIBE command when many users (re)subscribe at once. */
    private static final int CHANNELS_PER_SUBSCRIBE = 1024;
    private static final int INBOX_BATCH = 256;

    /**
     * @param publishQueue capacity of the local publish queue (and of the inbox); a full queue
     *                     drops and counts
     * @param maxBatch     publishes written per flush at most; 1 flushes every publish on its own
     *                     (the one-by-one baseline of the batching measurement)
     */
    public record Options(int publishQueue, int maxBatch) {
        public Options {
            if (publishQueue < 2 || maxBatch < 1) {
                throw new IllegalArgumentException("publishQueue >= 2 and maxBatch >= 1, got " + publishQueue + ", " + maxBatch);
            }
        }

        public static Options defaults() {
            return new Options(1 << 16, 256);
        }

        public Options withMaxBatch(int n) {
            return new Options(publishQueue, n);
        }
    }

    /** @param done told what became of it (a message to one user), or null (claims, broadcasts) */
    private record Publish(String channel, byte[] payload, Consumer<Outcome> done) {
    }

    private record Inbound(String channel, byte[] payload) {
    }

    private enum ChangeKind { BOUND, UNBOUND, CLAIM }

    /** A user came or went on this node, or its claim is due. */
    private record Change(long uid, ChangeKind kind) {
    }

    private final LocalDelivery local;
    private final String nodeId;
    private final byte[] msgHeader;
    private final int maxBatch;
    private final int maxInFlight;
    private final RedisLink.Connector redis;

    /** Many producers (event loops, /push), one consumer (the publisher worker). */
    private final MpscArrayQueue<Publish> publishes;
    /**
     * Subscription changes and claims. Unbounded on purpose: dropping one would leave a user
     * unsubscribed (unreachable) or unclaimed; its size is bounded by logins, not by messages.
     */
    private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
    /** One producer at a time (the Lettuce thread of the current subscriber connection), one consumer. */
    private final MpscArrayQueue<Inbound> inbox;
    /** When each session bound on this node logged in, by session id: what claims compare. */
    private final Map<Long, Long> loginMillis = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    private final Worker publisher;
    private final Worker inboxWorker;
    private final ScheduledExecutorService connector;

    /** The live connections, or null while Redis is unreachable. Written by the connector only. */
    private volatile RedisLink link;
    private volatile boolean closed;
    /** Set when some subscriptions may be gone while the link stays (a cluster shard moved). */
    private final AtomicBoolean resubscribeAll = new AtomicBoolean();

    // Confined to the publisher thread.
    private RedisLink current;
    private final Set<Long> subscribed = new HashSet<>();
    private final List<Long> toSubscribe = new ArrayList<>();
    private final List<Long> toUnsubscribe = new ArrayList<>();
    private final List<Long> claimsDue = new ArrayList<>();
    private final List<Long> bound = new ArrayList<>();

    // Confined to the connector thread.
    private long retryMillis = RETRY_MIN_MILLIS;
    private boolean outageLogged;

    private final Counter published;
    private final Counter unheard;
    private final Counter received;
    private final Counter connects;
    private final Histogram batchSizes;
    private final CounterDataPoint droppedDown;
    private final CounterDataPoint droppedQueueFull;
    private final CounterDataPoint droppedFailed;
    private final CounterDataPoint droppedInboxFull;
    private final CounterDataPoint droppedLeft;
    private final CounterDataPoint droppedMalformed;

    /**
     * Connects once before returning (bounded by a one-second connect timeout) so that a gateway
     * started beside a running Redis is up from its first request. If Redis is unreachable the
     * router starts anyway, down, and keeps retrying in the background.
     */
    public RedisRouter(URI uri, LocalDelivery local, Options options) {
        this.local = local;
        this.nodeId = Long.toHexString(ThreadLocalRandom.current().nextLong() | (1L << 60));
        this.msgHeader = RedisMessage.msgHeader(nodeId);
        this.maxBatch = options.maxBatch();
        this.maxInFlight = options.publishQueue();
        this.publishes = new MpscArrayQueue<>(options.publishQueue());
        this.inbox = new MpscArrayQueue<>(options.publishQueue());

        GatewayMetrics m = local.metrics();
        published = m.counter("gateway_router_published_total", "Messages Redis accepted from this node (msgs and claims)");
        unheard = m.counter("gateway_router_unheard_total", "Publishes no node was subscribed to (the user was not logged in anywhere)");
        received = m.counter("gateway_router_received_total", "Messages received from Redis");
        connects = m.counter("gateway_router_connects_total", "Successful connections to Redis (the first and every reconnection)");
        batchSizes = m.histogram("gateway_router_publish_batch_size", "Publishes written to Redis per flush",
                1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024);
        Counter dropped = m.counter("gateway_router_dropped_total", "Messages the router could not pass on, by reason", "reason");
        droppedDown = dropped.labelValues("redis_down");
        droppedQueueFull = dropped.labelValues("queue_full");
        droppedFailed = dropped.labelValues("publish_failed");
        droppedInboxFull = dropped.labelValues("inbox_full");
        droppedLeft = dropped.labelValues("user_left");
        droppedMalformed = dropped.labelValues("malformed");
        // gateway:all is the first channel of every connection and is never unsubscribed, so
        // every count Redis reports includes it once.
        m.gauge("gateway_router_subscriptions", "User channels Redis has confirmed this node is subscribed to",
                () -> {
                    RedisLink l = link;
                    return l == null ? 0 : Math.max(0, l.confirmedChannels() - 1);
                });
        m.gauge("gateway_router_publish_queue", "Messages waiting in the local publish queue", publishes::size);

        this.redis = RedisLink.connector(uri, "gateway-" + nodeId);
        this.publisher = new Worker("redis-publisher", this::publishStep,
                () -> !publishes.isEmpty() || !changes.isEmpty() || link != current || resubscribeAll.get());
        this.inboxWorker = new Worker("redis-inbox", this::inboxStep, () -> !inbox.isEmpty());
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-connector");
            t.setDaemon(true);
            return t;
        });
        publisher.start();
        inboxWorker.start();
        try {
            connector.submit(this::connect).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the Redis router", e);
        }
        log.info("redis router: node {} on {} ({})", nodeId, redis, isUp() ? "connected" : "not reachable yet, retrying");
    }

    // ---- Router ----------------------------------------------------------------------------

    /*
     * For a user elsewhere the outcome is PUBLISH's reply, not the enqueue: the message counts as
     * taken only if Redis put it in at least one subscriber's output buffer. Answering at enqueue
     * time (as this router once did) acked "ok" for messages Redis then published to nobody:
     * after a Redis restart the sending node was back before the receiving node had
     * re-subscribed, and those messages were lost with only gateway_router_unheard_total moving
     * (RedisRestartTest shows it).
     */
    @Override
    public void toUser(long uid, ByteBuf frame, Consumer<Outcome> done) {
        Outcome here = local.toUser(uid, frame);
        if (here != Outcome.OFFLINE) {
            done.accept(here); // held on this node: no Redis round trip
            return;
        }
        publish(USER_CHANNEL + uid, RedisMessage.msg(msgHeader, frame), done);
    }

    @Override
    public int toUsers(long[] uids, ByteBuf frame, IntConsumer confirmed) {
        int accepted = 0;
        Tally tally = confirmed == null ? null : new Tally(confirmed);
        byte[] payload = null; // built once, for the first remote user, then shared
        for (long uid : uids) {
            Outcome here = local.toUser(uid, frame);
            if (here == Outcome.QUEUED) {
                accepted++;
                if (tally != null) {
                    tally.confirmed.incrementAndGet();
                }
            } else if (here == Outcome.OFFLINE) {
                if (payload == null) {
                    payload = RedisMessage.msg(msgHeader, frame);
                }
                if (tally != null) {
                    tally.incrementAndGet(); // one more answer to wait for, before it can come
                }
                if (publish(USER_CHANNEL + uid, payload, tally)) {
                    accepted++;
                }
            }
        }
        if (tally != null) {
            tally.accept(Outcome.OFFLINE); // the caller's own share: counts nothing, may finish it
        }
        return accepted;
    }

    /**
     * Counts a multicast's confirmations; the value is the number of answers still to come, one
     * per remote publish plus one held by the caller until every publish is offered, so the total
     * cannot be reported while publishes are still being added.
     */
    private static final class Tally extends AtomicInteger implements Consumer<Outcome> {
        final AtomicInteger confirmed = new AtomicInteger();
        private final IntConsumer done;

        Tally(IntConsumer done) {
            super(1);
            this.done = done;
        }

        @Override
        public void accept(Outcome outcome) {
            if (outcome == Outcome.QUEUED) {
                confirmed.incrementAndGet();
            }
            // The increment above happens before this decrement, and the thread that takes the
            // count to zero reads the total after it: every confirmation is in it.
            if (decrementAndGet() == 0) {
                done.accept(confirmed.get());
            }
        }
    }

    /**
     * Delivers here, publishes once for the other nodes; returns the local count only. Whether
     * the other nodes got it is not waited for: PUBLISH on {@code gateway:all} answers how many
     * nodes listen, not how many users took it.
     */
    @Override
    public int toAll(ByteBuf frame) {
        int here = local.toAll(frame);
        publish(ALL_CHANNEL, RedisMessage.msg(msgHeader, frame), null);
        return here;
    }

    @Override
    public void userBound(Session session) {
        loginMillis.put(session.id(), System.currentTimeMillis());
        change(session.userId(), ChangeKind.BOUND);
    }

    /*
     * Called for every closed logged-in session, including one that was kicked because the same
     * user logged in again on this node. So this is not "unsubscribe": it asks the publisher to
     * compare what the session manager says now with what is subscribed, and the new session keeps
     * the channel.
     */
    @Override
    public void userUnbound(Session session) {
        loginMillis.remove(session.id());
        change(session.userId(), ChangeKind.UNBOUND);
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public boolean isUp() {
        return link != null;
    }

    /** This node's id in {@code msg} and {@code claim} messages; random per start. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Gives queued publishes up to a second to go out, then closes the connections. Redis drops
     * this node's subscriptions with them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while ((!publishes.isEmpty() || inFlight.get() > 0) && link != null && System.nanoTime() < deadline) {
            publisher.wake();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        closed = true;
        connector.shutdownNow();
        publisher.close();
        inboxWorker.close();
        for (Publish p; (p = publishes.poll()) != null; ) {
            droppedDown.inc();
            tell(p.done(), Outcome.DROPPED);
        }
        RedisLink l = link;
        link = null;
        if (l != null) {
            l.close();
        }
        redis.shutdown();
    }

    // ---- producers' side ---------------------------------------------------------------------

    /** @return whether it was queued for Redis; if not, {@code done} has been told DROPPED */
    private boolean publish(String channel, byte[] payload, Consumer<Outcome> done) {
        if (link == null) {
            droppedDown.inc();
            tell(done, Outcome.DROPPED);
            return false;
        }
        if (!publishes.offer(new Publish(channel, payload, done))) {
            droppedQueueFull.inc();
            tell(done, Outcome.DROPPED);
            return false;
        }
        publisher.wake();
        return true;
    }

    private static void tell(Consumer<Outcome> done, Outcome outcome) {
        if (done != null) {
            done.accept(outcome);
        }
    }

    private void change(long uid, ChangeKind kind) {
        changes.offer(new Change(uid, kind));
        publisher.wake();
    }

    // ---- the publisher worker ------------------------------------------------------------------

    private boolean publishStep() {
        boolean worked = false;
        RedisLink l = link;
        if (l != current) {
            // Connected, reconnected or lost. A new connection has no subscriptions: take them
            // all from the session manager. Changes queued meanwhile are applied on top, which
            // is harmless: each one compares with the session manager again.
            current = l;
            subscribed.clear();
            resubscribeAll.set(false);
            if (l != null) {
                subscribeEveryone(l);
            }
            worked = true;
        } else if (resubscribeAll.getAndSet(false) && l != null) {
            // Same link, some subscriptions gone (a cluster shard failed over or its slots
            // moved): subscribe everyone again; Redis ignores those still in place.
            subscribed.clear();
            subscribeEveryone(l);
            worked = true;
        }
        int batch = 0;
        if (!changes.isEmpty()) {
            batch += applyChanges(l);
            worked = true;
        }
        for (Publish p; batch < maxBatch && (p = publishes.poll()) != null; ) {
            send(l, p.channel(), p.payload(), p.done());
            batch++;
        }
        if (batch > 0) {
            if (l != null) {
                l.flush(); // the whole batch in one write
            }
            batchSizes.observe(batch);
            return true;
        }
        return worked;
    }

    private void subscribeEveryone(RedisLink l) {
        List<Long> everyone = new ArrayList<>();
        local.forEachUser(s -> everyone.add(s.userId()));
        subscribed.addAll(everyone);
        List<String> channels = new ArrayList<>(everyone.size() + 1);
        channels.add(ALL_CHANNEL);
        for (long uid : everyone) {
            channels.add(USER_CHANNEL + uid);
        }
        subscribe(l, channels, true);
        log.info("node {}: subscribed {} logged-in users after connecting", nodeId, everyone.size());
    }

    /** Applies subscription changes (SUBSCRIBE/UNSUBSCRIBE, batched) and publishes due claims; returns publishes sent. */
    private int applyChanges(RedisLink l) {
        toSubscribe.clear();
        toUnsubscribe.clear();
        claimsDue.clear();
        bound.clear();
        for (Change c; (c = changes.poll()) != null; ) {
            long uid = c.uid();
            if (c.kind() == ChangeKind.CLAIM) {
                claimsDue.add(uid);
                continue;
            }
            if (c.kind() == ChangeKind.BOUND) {
                bound.add(uid);
            }
            // Reconcile with the session manager as it is now, not as the event said: a quick
            // logout + login (or a re-login here, whose old session closes later) must end with
            // the channel subscribed exactly when a session holds the user.
            boolean want = local.session(uid) != null;
            if (want && subscribed.add(uid)) {
                if (!toUnsubscribe.remove(uid)) {
                    toSubscribe.add(uid);
                }
            } else if (!want && subscribed.remove(uid)) {
                if (!toSubscribe.remove(uid)) {
                    toUnsubscribe.add(uid);
                }
            }
        }
        if (l == null) {
            // Down: nothing to tell Redis. The next connection subscribes everyone afresh.
            subscribed.clear();
            return 0;
        }
        if (!toSubscribe.isEmpty()) {
            subscribe(l, channels(toSubscribe), true); // claims follow each confirmation
        }
        if (!toUnsubscribe.isEmpty()) {
            subscribe(l, channels(toUnsubscribe), false);
        }
        // A login whose channel was already subscribed (a re-login here) gets no confirmation to
        // wait for: claim now.
        for (long uid : bound) {
            if (subscribed.contains(uid) && !toSubscribe.contains(uid)) {
                claimsDue.add(uid);
            }
        }
        int sent = 0;
        for (long uid : claimsDue) {
            Session s = local.session(uid);
            Long since = s == null ? null : loginMillis.get(s.id());
            if (since != null) {
                send(l, USER_CHANNEL + uid, RedisMessage.claim(nodeId, since), null);
                sent++;
            }
        }
        return sent;
    }

    private static List<String> channels(List<Long> uids) {
        List<String> channels = new ArrayList<>(uids.size());
        for (long uid : uids) {
            channels.add(USER_CHANNEL + uid);
        }
        return channels;
    }

    private void subscribe(RedisLink l, List<String> channels, boolean subscribe) {
        for (int from = 0; from < channels.size(); from += CHANNELS_PER_SUBSCRIBE) {
            String[] chunk = channels.subList(from, Math.min(channels.size(), from + CHANNELS_PER_SUBSCRIBE))
                    .toArray(new String[0]);
            try {
                (subscribe ? l.subscribe(chunk) : l.unsubscribe(chunk))
                        .whenComplete((ok, e) -> {
                            if (e != null && !closed) {
                                // The connection is going down; the reconnection subscribes everyone.
                                log.debug("{} of {} channels failed: {}", subscribe ? "subscribe" : "unsubscribe", chunk.length, e.toString());
                            }
                        });
            } catch (RuntimeException e) {
                log.debug("{} failed: {}", subscribe ? "subscribe" : "unsubscribe", e.toString());
            }
        }
    }

    /**
     * Hands one PUBLISH to Lettuce (not yet written: auto-flush is off) and tells {@code done}
     * what Redis answered: DROPPED when it did not answer (the connection broke: Lettuce fails
     * every command in flight when a connection closes, since its own reconnect is off), OFFLINE
     * when no subscriber had the channel at that instant, QUEUED when at least one had.
     */
    private void send(RedisLink l, String channel, byte[] payload, Consumer<Outcome> done) {
        if (l == null) {
            droppedDown.inc();
            tell(done, Outcome.DROPPED);
            return;
        }
        if (inFlight.get() >= maxInFlight) {
            // Redis accepts slower than we produce: fail fast rather than let Lettuce's command
            // stack grow without bound.
            droppedFailed.inc();
            tell(done, Outcome.DROPPED);
            return;
        }
        inFlight.incrementAndGet();
        try {
            l.publish(channel, payload).whenComplete((listeners, e) -> {
                inFlight.decrementAndGet();
                if (e != null) {
                    droppedFailed.inc();
                    tell(done, Outcome.DROPPED);
                } else {
                    published.inc();
                    if (listeners == 0) {
                        unheard.inc();
                    }
                    tell(done, listeners == 0 ? Outcome.OFFLINE : Outcome.QUEUED);
                }
            });
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            droppedFailed.inc();
            tell(done, Outcome.DROPPED);
        }
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** Runs on Lettuce's I/O threads: only hand off. */
    private final RedisLink.Events events = new RedisLink.Events() {
        @Override
        public void message(String channel, byte[] payload) {
            received.inc();
            if (inbox.offer(new Inbound(channel, payload))) {
                inboxWorker.wake();
            } else {
                droppedInboxFull.inc();
            }
        }

        @Override
        public void subscribed(String channel) {
            long uid = userOf(channel);
            if (uid > 0) {
                // Our subscription is live, so from now on we hear every later claim: publish ours.
                change(uid, ChangeKind.CLAIM);
            }
        }

        @Override
        public void closed(Object connection) {
            if (!closed) {
                connector.execute(() -> onLost(connection));
            }
        }

        @Override
        public void resubscribeAll() {
            resubscribeAll.set(true);
            publisher.wake();
        }
    };

    private boolean inboxStep() {
        int n = 0;
        for (Inbound m; n < INBOX_BATCH && (m = inbox.poll()) != null; n++) {
            deliver(m.channel(), m.payload());
        }
        return n > 0;
    }

    private void deliver(String channel, byte[] payload) {
        boolean all = ALL_CHANNEL.equals(channel);
        long uid = all ? 0 : userOf(channel);
        RedisMessage m = RedisMessage.parse(payload);
        if (m.kind() == RedisMessage.Kind.INVALID || (!all && uid <= 0)) {
            droppedMalformed.inc();
            return;
        }
        if (m.kind() == RedisMessage.Kind.CLAIM) {
            if (!all) {
                onClaim(uid, m);
            }
            return;
        }
        if (all && nodeId.equals(m.node())) {
            return; // our own broadcast: delivered here before it was published
        }
        int length = payload.length - m.frameOffset();
        // One copy into a direct buffer, shared by every local recipient (retained duplicates).
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(payload, m.frameOffset(), length);
        try {
            if (all) {
                local.toAll(frame);
            } else if (local.toUser(uid, frame) == Outcome.OFFLINE) {
                droppedLeft.inc(); // the user left this node while the message was on its way
            }
        } finally {
            frame.release();
        }
    }

    private void onClaim(long uid, RedisMessage claim) {
        if (nodeId.equals(claim.node())) {
            return;
        }
        Session s = local.session(uid);
        Long mine = s == null ? null : loginMillis.get(s.id());
        if (mine == null) {
            return; // not here (or bound an instant ago: its own claim is on the way)
        }
        boolean theirsIsNewer = claim.loginMillis() > mine
                || (claim.loginMillis() == mine && claim.node().compareTo(nodeId) > 0);
        if (theirsIsNewer) {
            // Forget the login first, so that further claims for it neither kick twice nor answer.
            if (loginMillis.remove(s.id(), mine)) {
                local.metrics().kicks.inc();
                local.control().kick(s);
            }
        } else {
            change(uid, ChangeKind.CLAIM); // the other holder is older: make it hear our claim
        }
    }

    /** The uid of a {@code gateway:user:<uid>} channel, or -1. */
    private static long userOf(String channel) {
        if (!channel.startsWith(USER_CHANNEL)) {
            return -1;
        }
        try {
            return Long.parseLong(channel, USER_CHANNEL.length(), channel.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- the connector -----------------------------------------------------------------------

    /** Connector thread only. */
    private void connect() {
        if (closed || link != null) {
            return;
        }
        RedisLink l;
        try {
            l = redis.connect(events);
        } catch (RuntimeException e) {
            if (!outageLogged) {
                outageLogged = true;
                log.warn("node {}: Redis at {} is not reachable ({}); retrying, local delivery goes on",
                        nodeId, redis, e.getMessage());
            }
            connector.schedule(this::connect, retryMillis, TimeUnit.MILLISECONDS);
            retryMillis = Math.min(RETRY_MAX_MILLIS, retryMillis * 2);
            return;
        }
        retryMillis = RETRY_MIN_MILLIS;
        if (outageLogged) {
            log.info("node {}: connected to Redis at {}", nodeId, redis);
        }
        outageLogged = false;
        // A close of these connections is handled by onLost, which runs on this same thread
        // after us and therefore already sees them in the link.
        link = l;
        connects.inc();
        publisher.wake();
    }

    /** Connector thread only: one of our connections closed under us. */
    private void onLost(Object connection) {
        RedisLink l = link;
        if (closed || l == null || !l.owns(connection)) {
            return;
        }
        link = null;
        outageLogged = true;
        log.warn("node {}: lost the connection to Redis at {}; reconnecting. Pushes to other nodes are dropped"
                + " and counted until then", nodeId, redis);
        l.close();
        publisher.wake();
        connector.schedule(this::connect, RETRY_MIN_MILLIS, TimeUnit.MILLISECONDS);
    }
}
