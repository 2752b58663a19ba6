package lockfree.common.contract;

/**
 * A session's outbound queue: many producers (any thread that delivers a message to this user),
 * one consumer (the connection's event loop, which writes to the socket).
 *
 * <p>This is the plan's {@code Send chan []byte} (capacity 1024). Each stage brings its own: a
 * lock-based bounded queue, a two-lock queue, a batched drain, and a lock-free MPSC queue with a
 * CAS-guarded drain. The rules every stage's queue keeps, checked by {@code SendQueueContract}:
 * <ul>
 *   <li>{@link #offer} never blocks; it returns false when the queue is full, and the caller
 *       drops (and counts) the message.</li>
 *   <li>After a successful offer a drain is guaranteed to run on {@link Outbound#execute}'s
 *       thread later, so no message is stranded in the queue while the connection is writable.</li>
 *   <li>Drains never overlap, and messages from one producer are written in the order offered.</li>
 *   <li>A drain stops while {@link Outbound#isWritable()} is false (the socket is backed up) and
 *       resumes on {@link #scheduleDrain()}; it discards what is left once the outbound is closed.</li>
 * </ul>
 *
 * <h2>What each method promises while others run</h2>
 * <ul>
 *   <li><b>No stranding</b> is the promise that matters, and it is about quiet points, not
 *       instants: once producers stop and the event loop has run what was scheduled, the queue is
 *       empty (everything accepted was written, or discarded after close), each accepted message
 *       exactly once, each producer's messages in its order. An offer that lands at any step of a
 *       running drain, including after its last poll, is written by that drain or by one it
 *       leaves scheduled. {@code SendQueueModel} (the testkit module) checks this in every
 *       interleaving Lincheck explores, {@code SendQueueContract} on real threads.</li>
 *   <li><b>Drains never overlap</b>: they run only through {@link Outbound#execute}, one at a
 *       time. Stages 0 and 1 schedule one drain task per offer (most find the queue empty);
 *       stages 2 and 3 keep at most one scheduled or running, by a flag (2) or a counter (3).</li>
 *   <li><b>The bound</b>: with no drain running, a queue of capacity c accepts exactly c offers
 *       however producers interleave, and refuses the rest (linearizable). Stages 0-2 keep the
 *       capacity exactly as given. Stage 3 rounds it up to a power of two, at least 4 (1000
 *       holds 1024; 4, 16 and 1024 are exact). While a drain runs, "full" counts what the
 *       drain has not yet taken; in stage 3 a drain cannot take past a slot whose producer has
 *       claimed it but not yet stored its message, so for that moment an offer may be refused
 *       with fewer than c messages ready to write.</li>
 *   <li>{@link #size()} is approximate while producers or the drain run (it may count a message
 *       that is being written), exact at a quiet point.</li>
 * </ul>
 *
 * @param <E> the message type; the gateway queues WebSocket frames, tests queue plain objects
 */
public interface SendQueue<E> {

    /**
     * Adds a message from any thread and makes sure a drain will run. Never waits for room
     * (stages 0-2 may wait a moment for the queue's lock; stage 3 takes none). False when full
     * (see the class comment for what "full" means while a drain runs, and stage 3's rounded
     * capacity); the caller then still owns the message.
     */
    boolean offer(E message);

    /**
     * Makes sure a drain runs soon, e.g. when the channel becomes writable again or closes.
     * Safe from any thread, also while a drain runs: the request is then served by that drain or
     * by one scheduled after it, never by a second drain beside it.
     */
    void scheduleDrain();

    /** Approximate number of queued messages (exact only when producers and drain are quiet). */
    int size();

    /** How each stage builds its queue: the gateway calls this once per connection. */
    interface Factory {
        <E> SendQueue<E> create(int capacity, Outbound<E> outbound);
    }
}
