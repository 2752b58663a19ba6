package lockfree.common;

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
 * @param <E> the message type; the gateway queues WebSocket frames, tests queue plain objects
 */
public interface SendQueue<E> {

    /** Adds a message from any thread and makes sure a drain will run. False when full. */
    boolean offer(E message);

    /**
     * Makes sure a drain runs soon, e.g. when the channel becomes writable again or closes.
     * Safe from any thread.
     */
    void scheduleDrain();

    /** Approximate number of queued messages (exact only when producers and drain are quiet). */
    int size();

    /** How each stage builds its queue: the gateway calls this once per connection. */
    interface Factory {
        <E> SendQueue<E> create(int capacity, Outbound<E> outbound);
    }
}
