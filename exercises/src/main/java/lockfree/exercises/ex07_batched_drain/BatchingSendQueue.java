package lockfree.exercises.ex07_batched_drain;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Exercise 7: write many, flush once.
 *
 * <p>Each {@code flush()} on a Netty channel is a system call that pushes bytes into the kernel.
 * Stage 0's drain flushes after every message: a burst of 100 messages to one user costs 100
 * system calls, where one would do. Write the drain that stage 2 uses: write everything that is
 * queued while the connection takes it, then flush once.
 *
 * <p>The rules of every send queue ({@code SendQueue}'s javadoc; common's
 * {@code SendQueueContract} checks them all):
 * <ul>
 *   <li>while {@code outbound.isOpen()} and {@code outbound.isWritable()}: poll a message and
 *       {@code write} it; stop when the queue is empty or the outbound turns unwritable;</li>
 *   <li>then {@code flush()} once, if anything was written (a flush with nothing written is a
 *       wasted system call);</li>
 *   <li>if the outbound is closed, {@code discard} everything still queued, so no message leaks.</li>
 * </ul>
 * Scheduling is done for you: every offer hands the drain to the event loop, which runs drains one
 * at a time. (Exercise 10 makes that cheaper.)
 *
 * <p>Run: {@code ./exercises.sh run 7}
 */
public final class BatchingSendQueue<E> implements SendQueue<E> {
    private final ArrayBlockingQueue<E> queue;
    private final Outbound<E> outbound;
    private final Runnable drain = this::drain;

    public BatchingSendQueue(int capacity, Outbound<E> outbound) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.outbound = outbound;
    }

    @Override
    public boolean offer(E message) {
        if (!queue.offer(message)) {
            return false;
        }
        // After the message is in: a drain that runs from here on finds it.
        outbound.execute(drain);
        return true;
    }

    @Override
    public void scheduleDrain() {
        outbound.execute(drain);
    }

    @Override
    public int size() {
        return queue.size();
    }

    /** Runs on the event loop only, never twice at once. */
    void drain() {
        throw new UnsupportedOperationException("TODO: write queued messages while the outbound is open and writable,"
                + " flush once if you wrote any, and discard what is left if the outbound is closed");
    }
}
