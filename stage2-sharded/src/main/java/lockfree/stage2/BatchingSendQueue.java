package lockfree.stage2;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stage 2's per-session send queue: stage 1's {@link LinkedBlockingQueue} with a batched drain.
 * It is the plan's "accumulate, then send" step (there applied to Redis publishes) applied to the
 * socket.
 *
 * <p>Stage 1 submits one drain task per offer and flushes after every message. A broadcast that
 * puts 10 messages into one session's queue therefore costs 10 tasks on the event loop (each one
 * possibly waking it up) and 10 flushes (each one a {@code write} system call). Here:
 * <ul>
 *   <li><b>One scheduled drain per burst.</b> A flag records that a drain is already pending; only
 *       the offer that flips it from false to true submits a task. The other nine offers of the
 *       burst only enqueue.</li>
 *   <li><b>Many writes, one flush.</b> The drain writes everything it finds into Netty's outbound
 *       buffer and flushes once at the end: one system call for the whole burst.</li>
 * </ul>
 */
public final class BatchingSendQueue<E> implements SendQueue<E> {

    private final LinkedBlockingQueue<E> queue;
    private final Outbound<E> outbound;
    private final Runnable drain = this::drain;

    /**
     * True from the moment a drain task is submitted until that task starts. Only the thread that
     * CASes it from false to true submits, so at most one drain task is pending at a time.
     */
    private final AtomicBoolean drainPending = new AtomicBoolean();

    public BatchingSendQueue(int capacity, Outbound<E> outbound) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.outbound = outbound;
    }

    @Override
    public boolean offer(E message) {
        if (!queue.offer(message)) {
            return false;   // full: the caller still owns the message and drops it
        }
        // Enqueue first, then look at the flag. See drain() for why this order loses no wake-up.
        scheduleDrain();
        return true;
    }

    @Override
    public void scheduleDrain() {
        if (drainPending.compareAndSet(false, true)) {
            outbound.execute(drain);
        }
    }

    @Override
    public int size() {
        return queue.size();
    }

    /** Runs only on the outbound's executor thread: drains never overlap. */
    private void drain() {
        // Clear the flag BEFORE looking at the queue. The missed wake-up this prevents: if we
        // cleared it after the last poll, a producer could enqueue between our last (empty) poll
        // and the clear, see the flag still true, and not schedule a drain; its message would
        // sit in the queue until some later offer. With this order, a producer that sees the flag
        // true enqueued before the clear, so before our polls, and we will find its message; a
        // producer that enqueues later finds the flag false and schedules the next drain. Both
        // the enqueue and the flag are sequentially consistent (a lock and a volatile CAS), so
        // "before" and "after" are well defined. The cost is an occasional extra drain that finds
        // nothing, when a message arrives between the clear and our poll that takes it.
        drainPending.set(false);

        boolean wrote = false;
        E message;
        while (outbound.isOpen() && outbound.isWritable() && (message = queue.poll()) != null) {
            outbound.write(message);
            wrote = true;
        }
        if (wrote) {
            // Also when we stopped because the socket backed up: what was written must reach the
            // socket, or its buffer never drains and writability never comes back.
            outbound.flush();
        }
        if (!outbound.isOpen()) {
            while ((message = queue.poll()) != null) {
                outbound.discard(message);
            }
        }
        // If we stopped on !isWritable, the rest waits for the gateway's scheduleDrain() when
        // the channel becomes writable again. Offers meanwhile still schedule drains (the flag is
        // false), each of which returns at once while the socket stays backed up.
    }
}
