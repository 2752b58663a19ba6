package lockfree.common.routing;

import lockfree.common.routing.Router.Outcome;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Local sessions to Redis. Producers (event loops, /push, the inbox) only offer to two queues;
 * the publisher {@link Worker} owns the command side of the Redis connections. It drains up to
 * {@code maxBatch} publishes into Lettuce with auto-flush off and then flushes them in one write:
 * the plan's "local queue + worker" batching. It never waits for more: it flushes as soon as the
 * queue runs dry, so at low load a publish goes out alone at once, and under load batches form by
 * themselves while the previous write is on its way. Subscription changes are batched the same
 * way, many channels per SUBSCRIBE, and due claims go out with them.
 */
final class RedisPublisher implements AutoCloseable {
    /* The router's logger: its threads report under one name, as before the split. */
    private static final Logger log = LoggerFactory.getLogger(RedisRouter.class);
    /** Channels per SUBSCRIBE command when many users (re)subscribe at once. */
    private static final int CHANNELS_PER_SUBSCRIBE = 1024;

    /** @param done told what became of it (a message to one user), or null (claims, broadcasts) */
    private record Publish(String channel, byte[] payload, Consumer<Outcome> done) {
    }

    private enum ChangeKind { BOUND, UNBOUND, CLAIM, CONFIRMED }

    /** A user came or went on this node, its claim is due, or Redis confirmed its channel. */
    private record Change(long uid, ChangeKind kind) {
    }

    private final String nodeId;
    private final LocalDelivery local;
    private final Claims claims;
    private final int maxBatch;
    private final int maxInFlight;
    /** The router's live connections (null while Redis is unreachable); written by its connector. */
    private final Supplier<RedisLink> link;
    private final BooleanSupplier closed;

    /** Many producers (event loops, /push), one consumer (the publisher worker). */
    private final MpscArrayQueue<Publish> publishes;
    /**
     * Subscription changes and claims. Unbounded on purpose: dropping one would leave a user
     * unsubscribed (unreachable) or unclaimed; its size is bounded by logins, not by messages.
     */
    private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Set when some subscriptions may be gone while the link stays (a cluster shard moved). */
    private final AtomicBoolean resubscribeAll = new AtomicBoolean();
    private final Worker worker;

    // Confined to the publisher thread.
    private RedisLink current;
    private final Set<Long> subscribed = new HashSet<>();
    /*
     * Users whose SUBSCRIBE went out and whose confirmation has not come back: the confirmation
     * brings their claim. A login that finds its channel already subscribed must not claim on its
     * own while the channel is in here, or it claims twice: a login bound just before a subscribe
     * of everyone (its BOUND applied after it) would claim once now, before Redis holds the
     * subscription, and once more on the confirmation.
     */
    private final Set<Long> unconfirmed = new HashSet<>();
    private final List<Long> toSubscribe = new ArrayList<>();
    private final List<Long> toUnsubscribe = new ArrayList<>();
    private final List<Long> claimsDue = new ArrayList<>();
    private final List<Long> bound = new ArrayList<>();

    private final Counter published;
    private final Counter unheard;
    private final Histogram batchSizes;
    private final CounterDataPoint droppedDown;
    private final CounterDataPoint droppedQueueFull;
    private final CounterDataPoint droppedFailed;

    /**
     * @param options the publish queue's capacity (also the most publishes in flight at Redis)
     *                and the largest batch per flush
     * @param link    reads the router's current connections
     * @param closed  whether the router is closing (failed subscribes are then expected)
     */
    RedisPublisher(String nodeId, LocalDelivery local, Claims claims, RedisRouter.Options options,
                   Supplier<RedisLink> link, BooleanSupplier closed, RouterMetrics metrics) {
        this.nodeId = nodeId;
        this.local = local;
        this.claims = claims;
        this.maxBatch = options.maxBatch();
        this.maxInFlight = options.publishQueue();
        this.link = link;
        this.closed = closed;
        this.publishes = new MpscArrayQueue<>(options.publishQueue());
        this.published = metrics.published();
        this.unheard = metrics.unheard();
        this.batchSizes = metrics.batchSizes();
        this.droppedDown = metrics.droppedDown();
        this.droppedQueueFull = metrics.droppedQueueFull();
        this.droppedFailed = metrics.droppedFailed();
        this.worker = new Worker("redis-publisher", this::step,
                () -> !publishes.isEmpty() || !changes.isEmpty() || link.get() != current || resubscribeAll.get());
    }

    void start() {
        worker.start();
    }

    // ---- producers' side ---------------------------------------------------------------------

    /** @return whether it was queued for Redis; if not, {@code done} has been told DROPPED */
    boolean publish(String channel, byte[] payload, Consumer<Outcome> done) {
        RedisLink l = link.get();
        if (l == null || !l.isUp()) {
            droppedDown.inc();
            tell(done, Outcome.DROPPED);
            return false;
        }
        if (!publishes.offer(new Publish(channel, payload, done))) {
            droppedQueueFull.inc();
            tell(done, Outcome.DROPPED);
            return false;
        }
        worker.wake();
        return true;
    }

    void userBound(long uid) {
        change(uid, ChangeKind.BOUND);
    }

    void userUnbound(long uid) {
        change(uid, ChangeKind.UNBOUND);
    }

    /** Publish our claim for {@code uid} (our subscription is live, or an older holder must hear it). */
    void claim(long uid) {
        change(uid, ChangeKind.CLAIM);
    }

    /** Redis confirmed {@code uid}'s channel: from now on we hear every later claim, so publish ours. */
    void confirmed(long uid) {
        change(uid, ChangeKind.CONFIRMED);
    }

    /** Some subscriptions may be gone while the link stays: subscribe everyone again. */
    void resubscribeAll() {
        resubscribeAll.set(true);
        worker.wake();
    }

    /** The link changed (connected or lost): the worker re-reads it. */
    void wake() {
        worker.wake();
    }

    /** Publishes waiting in the local queue. */
    int queued() {
        return publishes.size();
    }

    /** Whether publishes are still queued here or waiting for Redis's answer. */
    boolean busy() {
        return !publishes.isEmpty() || inFlight.get() > 0;
    }

    /** Stops the worker; what it left queued is then {@link #dropQueued() dropped}. */
    @Override
    public void close() {
        worker.close();
    }

    /** After {@link #close()}: counts and answers DROPPED for every publish still queued. */
    void dropQueued() {
        for (Publish p; (p = publishes.poll()) != null; ) {
            droppedDown.inc();
            tell(p.done(), Outcome.DROPPED);
        }
    }

    private static void tell(Consumer<Outcome> done, Outcome outcome) {
        if (done != null) {
            done.accept(outcome);
        }
    }

    private void change(long uid, ChangeKind kind) {
        changes.offer(new Change(uid, kind));
        worker.wake();
    }

    // ---- the publisher worker ------------------------------------------------------------------

    private boolean step() {
        boolean worked = false;
        RedisLink l = link.get();
        if (l != current) {
            // Connected, reconnected or lost. A new connection has no subscriptions: take them
            // all from the session manager. Changes queued meanwhile are applied on top, which
            // is harmless: each one compares with the session manager again.
            current = l;
            subscribed.clear();
            unconfirmed.clear();
            resubscribeAll.set(false);
            if (l != null) {
                subscribeEveryone(l);
            }
            worked = true;
        } else if (resubscribeAll.getAndSet(false) && l != null) {
            // Same link, some subscriptions gone (a cluster shard failed over or its slots
            // moved): subscribe everyone again; Redis ignores those still in place.
            subscribed.clear();
            unconfirmed.clear();
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
        unconfirmed.addAll(everyone); // before the SUBSCRIBE: its confirmation may come at once
        List<String> channels = new ArrayList<>(everyone.size() + 1);
        channels.add(RedisRouter.ALL_CHANNEL);
        for (long uid : everyone) {
            channels.add(RedisRouter.USER_CHANNEL + uid);
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
            if (c.kind() == ChangeKind.CONFIRMED) {
                unconfirmed.remove(uid);
            }
            if (c.kind() == ChangeKind.CLAIM || c.kind() == ChangeKind.CONFIRMED) {
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
            unconfirmed.clear();
            return 0;
        }
        if (!toSubscribe.isEmpty()) {
            unconfirmed.addAll(toSubscribe);
            subscribe(l, channels(toSubscribe), true); // claims follow each confirmation
        }
        if (!toUnsubscribe.isEmpty()) {
            unconfirmed.removeAll(toUnsubscribe);
            subscribe(l, channels(toUnsubscribe), false);
        }
        // A login whose channel was already subscribed and confirmed (a re-login here) gets no
        // confirmation to wait for: claim now. One still waiting claims when it comes.
        for (long uid : bound) {
            if (subscribed.contains(uid) && !unconfirmed.contains(uid)) {
                claimsDue.add(uid);
            }
        }
        int sent = 0;
        for (long uid : claimsDue) {
            byte[] claim = claims.claim(uid);
            if (claim != null) {
                send(l, RedisRouter.USER_CHANNEL + uid, claim, null);
                sent++;
            }
        }
        return sent;
    }

    private static List<String> channels(List<Long> uids) {
        List<String> channels = new ArrayList<>(uids.size());
        for (long uid : uids) {
            channels.add(RedisRouter.USER_CHANNEL + uid);
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
                            if (e != null && !closed.getAsBoolean()) {
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
}
