package lockfree.exercises.ex10_wip_drain;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reference solution of exercise 10: the work-in-progress counter drain.
 * Not stage 3's MpscSendQueue: that one adds JCTools' chunked queue and a VarHandle field to save
 * memory per connection; the exercise keeps the drain protocol alone, on JDK classes.
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

    void requestDrain() {
        // getAndIncrement is a full-fence RMW: the message offered before this call is visible to
        // the drain that sees the incremented counter. Exactly one request sees 0 -> 1.
        if (wip.getAndIncrement() == 0) {
            outbound.execute(drain);
        }
    }

    void drain() {
        int missed = 1;
        while (true) {
            writeWhatIsQueued();
            // Give back the requests we have served. A request that came in while we were writing
            // left the counter above `missed`: the result is not 0 and we go round again, so its
            // message is written even if our last poll ran before it was queued.
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return; // the next request will see 0 and schedule a new drain
            }
        }
    }

    private void writeWhatIsQueued() {
        boolean wrote = false;
        while (outbound.isOpen() && outbound.isWritable()) {
            E message = poll();
            if (message == null) {
                break;
            }
            outbound.write(message);
            wrote = true;
        }
        if (wrote) {
            outbound.flush();
        }
        if (!outbound.isOpen()) {
            E message;
            while ((message = poll()) != null) {
                outbound.discard(message);
            }
        }
    }
}
