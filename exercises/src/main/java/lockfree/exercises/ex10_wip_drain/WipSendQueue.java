package lockfree.exercises.ex10_wip_drain;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exercise 10: wake the event loop once per burst, and never strand a message.
 *
 * <p>Exercise 7 hands a drain task to the event loop on every offer: 100 messages, 100 tasks, 99
 * of which find nothing to do. The fix looks easy: a "drain scheduled" flag, set by the offer that
 * schedules, cleared by the drain when the queue is empty. It has a famous bug. The drain finds the
 * queue empty; a producer adds a message, sees the flag still set and does not schedule; the drain
 * clears the flag and leaves. That message now sits in the queue until the next offer, which may
 * never come: a stranded message, and a user waiting for it.
 *
 * <p>Count instead of flagging. {@link #wip} ("work in progress") counts drain requests:
 * <ul>
 *   <li>{@link #requestDrain}: {@code if (wip.getAndIncrement() == 0) outbound.execute(drain)}:
 *       only the request that finds the counter at zero schedules a drain;</li>
 *   <li>{@link #drain}: remember {@code missed = 1}; loop: write everything queued (as in exercise
 *       7: while open and writable, then flush once if you wrote, discard all if closed); then
 *       {@code missed = wip.addAndGet(-missed)}; stop only when that reaches 0.</li>
 * </ul>
 * A request that arrives while the drain runs raises the counter, so the drain's subtraction does
 * not reach zero and it goes round once more: no request is lost, and no second drain runs.
 *
 * <p>The tests are common's {@code SendQueueContract} plus the stranded-message race, run by
 * Lincheck through every interleaving of a drain and an offer.
 *
 * <p>Run: {@code ./exercises.sh run 10}
 */
public final class WipSendQueue<E> implements SendQueue<E> {
    private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
    /* The bound: ConcurrentLinkedQueue has none. Incremented by producers, decremented by the drain. */
    private final AtomicInteger count = new AtomicInteger();
    private final int capacity;
    private final Outbound<E> outbound;
    /* Drain requests not yet served; a drain is scheduled or running exactly while it is above 0. */
    private final AtomicInteger wip = new AtomicInteger();
    private final Runnable drain = this::drain;

    public WipSendQueue(int capacity, Outbound<E> outbound) {
        this.capacity = capacity;
        this.outbound = outbound;
    }

    @Override
    public boolean offer(E message) {
        if (count.incrementAndGet() > capacity) {
            count.decrementAndGet();
            return false;
        }
        queue.offer(message);
        requestDrain(); // after the message is in, so the drain this schedules (or the running one) sees it
        return true;
    }

    @Override
    public void scheduleDrain() {
        requestDrain();
    }

    @Override
    public int size() {
        return count.get();
    }

    /** Takes one message off the queue and out of the count, or returns null. For the drain. */
    private E poll() {
        E message = queue.poll();
        if (message != null) {
            count.decrementAndGet();
        }
        return message;
    }

    /** Makes sure a drain runs after this call, without ever scheduling a second one at once. */
    void requestDrain() {
        throw new UnsupportedOperationException("TODO: schedule the drain with outbound.execute(drain) only if"
                + " wip.getAndIncrement() was 0");
    }

    /** Runs on the event loop. */
    void drain() {
        throw new UnsupportedOperationException("TODO: missed = 1; loop { write all (flush once, discard if closed);"
                + " missed = wip.addAndGet(-missed); if (missed == 0) return; }");
    }
}
