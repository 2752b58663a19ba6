package lockfree.stage0;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Stage 0's send queue: the Java counterpart of the plan's {@code Send chan []byte} with a buffer
 * of 1024. An {@link ArrayBlockingQueue} is a bounded array guarded by one {@code ReentrantLock}
 * that producers and the consumer share, which is close to what a buffered Go channel is inside.
 *
 * <p>The drain is the naive one, kept on purpose as the baseline:
 * <ul>
 *   <li>every successful {@link #offer} hands a drain task to the event loop, even when one is
 *       already queued or running; a burst of 100 messages wakes the event loop for 100 tasks, and
 *       most of them find the queue already empty;</li>
 *   <li>each message is written and flushed on its own, one socket write system call per message,
 *       where a drain could write them all and flush once.</li>
 * </ul>
 * Later stages schedule a drain only when none is pending (a CAS on a flag) and flush once per
 * batch; the difference shows in the stress test's latency and the event loop's CPU.
 *
 * <p>Why the drains never overlap even though nothing here prevents scheduling many: they run only
 * through {@link Outbound#execute}, and a Netty channel's event loop is a single thread that runs
 * its tasks one after another. That is also what makes the consumer side single-threaded.
 *
 * <p>{@code LockedSendQueue::new} is a {@link SendQueue.Factory}.
 */
public final class LockedSendQueue<E> implements SendQueue<E> {
    private final ArrayBlockingQueue<E> queue;
    private final Outbound<E> outbound;
    private final Runnable drain = this::drain;

    public LockedSendQueue(int capacity, Outbound<E> outbound) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.outbound = outbound;
    }

    @Override
    public boolean offer(E message) {
        // ArrayBlockingQueue.offer takes the queue's lock but never waits for space: full means false.
        if (!queue.offer(message)) {
            return false;
        }
        // Scheduled after the message is in the queue, so this drain (or an earlier one still
        // waiting in the event loop) finds it: a message can never be left behind by a drain that
        // ran just before it arrived. The queue's lock, released by offer() and taken by poll(),
        // makes the message visible to the event loop thread.
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

    /** Runs on the event loop only. */
    private void drain() {
        // Writability is checked before every message: once the socket's buffer is over its
        // high-water mark we stop, and the gateway calls scheduleDrain() when it drains below.
        while (outbound.isOpen() && outbound.isWritable()) {
            E message = queue.poll();
            if (message == null) {
                return;
            }
            outbound.write(message);
            outbound.flush(); // the naive part: one flush, one system call, per message
        }
        if (!outbound.isOpen()) {
            // The connection is gone: release what is left. Offers that land after this loop
            // schedule their own drain, which comes back here, so nothing stays queued after close.
            E message;
            while ((message = queue.poll()) != null) {
                outbound.discard(message);
            }
        }
    }
}
