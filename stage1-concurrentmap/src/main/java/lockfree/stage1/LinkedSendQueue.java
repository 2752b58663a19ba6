package lockfree.stage1;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * Stage 1's per-session send queue: stage 0's queue with the {@code ArrayBlockingQueue} replaced
 * by a {@link LinkedBlockingQueue}. Everything else is deliberately unchanged (one drain task per
 * offer, one flush per message), so the only difference between the two stages' queues is the
 * data structure. Stage 2 changes the drain.
 *
 * <p>Why a LinkedBlockingQueue: an ArrayBlockingQueue guards both ends with one lock, so every
 * producer offering a message and the event loop polling one take turns on the same lock word.
 * A LinkedBlockingQueue has a put lock for the tail and a take lock for the head, and an
 * {@code AtomicInteger} count that both ends read without a lock. Producers then contend only
 * with each other, and the event loop drains without waiting for them. Two fast paths also read
 * the count before locking: {@code offer} on a full queue (the slow-consumer drop) and
 * {@code poll} on an empty one return without taking any lock.
 *
 * <p>What it costs, and where the split does not help: each offer allocates a list node (an
 * ArrayBlockingQueue writes into a preallocated array); and when the queue is empty, which is the
 * normal state of a healthy connection, an offer that makes it non-empty also takes the take lock
 * briefly to signal a waiting taker (we never block in {@code take}, but the queue cannot know).
 * The two ends stop contending exactly when it matters: when a backlog builds up.
 */
public final class LinkedSendQueue<E> implements SendQueue<E> {

    private final LinkedBlockingQueue<E> queue;
    private final Outbound<E> outbound;

    /** One Runnable per queue, not one lambda per offer. */
    private final Runnable drain = this::drain;

    public LinkedSendQueue(int capacity, Outbound<E> outbound) {
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
        // One drain task per successful offer, as in stage 0. The message is already in the queue
        // when the task is submitted, so the task (or an earlier one still pending) will find it:
        // no message is stranded. The price is one task, and possibly one event-loop wake-up, per
        // message; stage 2 coalesces a burst of offers into a single drain.
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

    /**
     * Runs only on the outbound's executor thread, so two drains never overlap and this loop is
     * the queue's single consumer.
     */
    private void drain() {
        E message;
        while (outbound.isOpen() && outbound.isWritable() && (message = queue.poll()) != null) {
            outbound.write(message);
            outbound.flush();   // one flush, so one system call, per message: stage 2 batches these
        }
        if (!outbound.isOpen()) {
            // The connection is gone: release everything still queued. An offer that lands after
            // this loop schedules its own drain, which ends up here again.
            while ((message = queue.poll()) != null) {
                outbound.discard(message);
            }
        }
    }
}
