package lockfree.exercises.ex07_batched_drain;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reference solution of exercise 7: one flush per batch.
 * Not stage 2's BatchingSendQueue: that one also schedules at most one drain (a pending flag),
 * which the exercise leaves out so that the drain is its only subject (exercise 10 takes up the
 * scheduling).
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
        boolean wrote = false;
        // Writability is checked before each message: the outbound may turn unwritable in the
        // middle of a batch, and the gateway calls scheduleDrain() when it is writable again.
        while (outbound.isOpen() && outbound.isWritable()) {
            E message = queue.poll();
            if (message == null) {
                break;
            }
            outbound.write(message);
            wrote = true;
        }
        if (wrote) {
            outbound.flush(); // one system call for the whole batch
        }
        if (!outbound.isOpen()) {
            E message;
            while ((message = queue.poll()) != null) {
                outbound.discard(message);
            }
        }
    }
}
