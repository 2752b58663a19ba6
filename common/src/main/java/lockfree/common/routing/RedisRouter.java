package lockfree.common.routing;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.common.metrics.GatewayMetrics;

import io.netty.buffer.ByteBuf;
import io.prometheus.metrics.core.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

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
 * exactly one wins. {@link Claims} holds the login times and makes both decisions.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Event loops (and /push) call {@link #toUser} and friends: local delivery, then an offer to
 *       the bounded, lock-free publish queue. Never a Redis call, never a wait.</li>
 *   <li>The <b>publisher</b> ({@link RedisPublisher}) owns both Redis connections' command side. It drains up
 *       to {@link Options#maxBatch} publishes into Lettuce with auto-flush off and then flushes
 *       them in one write: the plan's "local queue + worker" batching. It never waits for more:
 *       it flushes as soon as the queue runs dry, so at low load a publish goes out alone at once,
 *       and under load batches form by themselves while the previous write is on its way.
 *       Subscription changes are batched the same way, many channels per SUBSCRIBE.</li>
 *   <li>Lettuce's I/O thread only hands each received message to the <b>inbox</b> ({@link RedisInbox}),
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
 * if Redis never answered; a multicast is {@code ok} if any copy was confirmed, else
 * {@code dropped} if any could not be, else {@code offline} ({@link Outcome#ofMany}). What can
 * still be lost after an {@code ok} is in docs/PROTOCOL.md, "What Redis Pub/Sub promises".
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

    private final LocalDelivery local;
    private final String nodeId;
    private final byte[] msgHeader;
    private final RedisLink.Connector redis;
    private final Claims claims;
    private final RedisPublisher publisher;
    private final RedisInbox inbox;
    private final ScheduledExecutorService connector;

    /** The live connections, or null while Redis is unreachable. Written by the connector only. */
    private volatile RedisLink link;
    private volatile boolean closed;

    // Confined to the connector thread.
    private long retryMillis = RETRY_MIN_MILLIS;
    private boolean outageLogged;

    private final Counter connects;

    /**
     * Connects once before returning (bounded by a one-second connect timeout) so that a gateway
     * started beside a running Redis is up from its first request. If Redis is unreachable the
     * router starts anyway, down, and keeps retrying in the background.
     */
    public RedisRouter(URI uri, LocalDelivery local, Options options) {
        this.local = local;
        this.nodeId = Long.toHexString(ThreadLocalRandom.current().nextLong() | (1L << 60));
        this.msgHeader = RedisMessage.msgHeader(nodeId);
        this.claims = new Claims(nodeId, local);

        GatewayMetrics m = local.metrics();
        RouterMetrics counters = RouterMetrics.register(m);
        this.connects = counters.connects();
        this.publisher = new RedisPublisher(nodeId, local, claims, options, () -> link, () -> closed, counters);
        this.inbox = new RedisInbox(options.publishQueue(), nodeId, local, claims, publisher::claim, counters);
        // gateway:all is the first channel of every connection and is never unsubscribed, so
        // every count Redis reports includes it once.
        m.gauge("gateway_router_subscriptions", "User channels Redis has confirmed this node is subscribed to",
                () -> {
                    RedisLink l = link;
                    return l == null ? 0 : Math.max(0, l.confirmedChannels() - 1);
                });
        m.gauge("gateway_router_publish_queue", "Messages waiting in the local publish queue", publisher::queued);

        this.redis = RedisLink.connector(uri, "gateway-" + nodeId);
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-connector");
            t.setDaemon(true);
            return t;
        });
        publisher.start();
        inbox.start();
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
        publisher.publish(USER_CHANNEL + uid, RedisMessage.msg(msgHeader, frame), done);
    }

    @Override
    public int toUsers(long[] uids, ByteBuf frame, ObjIntConsumer<Outcome> done) {
        int accepted = 0;
        Tally tally = done == null ? null : new Tally(done);
        byte[] payload = null; // built once, for the first remote user, then shared
        for (long uid : uids) {
            Outcome here = local.toUser(uid, frame);
            if (here == Outcome.OFFLINE) {
                if (payload == null) {
                    payload = RedisMessage.msg(msgHeader, frame);
                }
                if (tally != null) {
                    tally.incrementAndGet(); // one more answer to wait for, before it can come
                }
                if (publisher.publish(USER_CHANNEL + uid, payload, tally)) {
                    accepted++;
                }
            } else {
                if (here == Outcome.QUEUED) {
                    accepted++;
                }
                if (tally != null) {
                    tally.count(here);
                }
            }
        }
        if (tally != null) {
            tally.accept(Outcome.OFFLINE); // the caller's own share: counts nothing, may finish it
        }
        return accepted;
    }

    /**
     * Counts a multicast's answers; the value is the number of answers still to come, one per
     * remote publish plus one held by the caller until every publish is offered, so the total
     * cannot be reported while publishes are still being added.
     */
    private static final class Tally extends AtomicInteger implements Consumer<Outcome> {
        private final AtomicInteger confirmed = new AtomicInteger();
        private final AtomicInteger dropped = new AtomicInteger();
        private final ObjIntConsumer<Outcome> done;

        Tally(ObjIntConsumer<Outcome> done) {
            super(1);
            this.done = done;
        }

        /** A local answer, or a remote one before its share is given back. */
        void count(Outcome outcome) {
            if (outcome == Outcome.QUEUED) {
                confirmed.incrementAndGet();
            } else if (outcome == Outcome.DROPPED) {
                dropped.incrementAndGet();
            }
        }

        @Override
        public void accept(Outcome outcome) {
            count(outcome);
            // The increments above happen before this decrement, and the thread that takes the
            // count to zero reads the totals after it: every answer is in them.
            if (decrementAndGet() == 0) {
                int n = confirmed.get();
                done.accept(Outcome.ofMany(n, dropped.get()), n);
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
        publisher.publish(ALL_CHANNEL, RedisMessage.msg(msgHeader, frame), null);
        return here;
    }

    @Override
    public void userBound(Session session) {
        claims.bound(session);
        publisher.userBound(session.userId());
    }

    /*
     * Called for every closed logged-in session, including one that was kicked because the same
     * user logged in again on this node. So this is not "unsubscribe": it asks the publisher to
     * compare what the session manager says now with what is subscribed, and the new session keeps
     * the channel.
     */
    @Override
    public void userUnbound(Session session) {
        claims.unbound(session);
        publisher.userUnbound(session.userId());
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public boolean isUp() {
        RedisLink l = link;
        return l != null && l.isUp();
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
        while (publisher.busy() && link != null && System.nanoTime() < deadline) {
            publisher.wake();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        closed = true;
        connector.shutdownNow();
        publisher.close();
        inbox.close();
        publisher.dropQueued();
        RedisLink l = link;
        link = null;
        if (l != null) {
            l.close();
        }
        redis.shutdown();
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** Runs on Lettuce's I/O threads: only hand off. */
    private final RedisLink.Events events = new RedisLink.Events() {
        @Override
        public void message(String channel, byte[] payload) {
            inbox.offer(channel, payload);
        }

        @Override
        public void subscribed(String channel) {
            long uid = userOf(channel);
            if (uid > 0) {
                publisher.confirmed(uid);
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
            publisher.resubscribeAll();
        }
    };

    /** The uid of a {@code gateway:user:<uid>} channel, or -1. */
    static long userOf(String channel) {
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
