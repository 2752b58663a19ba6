package lockfree.common.contract;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Send queues with one planted mistake each in the drain's hand-off, the two ways a coalescing
 * drain strands a message. {@code ModelCheckTeethTest} proves that {@link SendQueueModel} finds
 * both. The storage is a plain {@link ArrayBlockingQueue}: the mistakes are in the signalling.
 */
final class BrokenSendQueues {
    private BrokenSendQueues() {
    }

    /** Drains by polling until empty; subclasses decide when a drain gets scheduled. */
    abstract static class Coalescing<E> implements SendQueue<E> {
        final ArrayBlockingQueue<E> queue;
        final Outbound<E> outbound;

        Coalescing(int capacity, Outbound<E> outbound) {
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.outbound = outbound;
        }

        @Override
        public boolean offer(E message) {
            if (!queue.offer(message)) {
                return false;
            }
            scheduleDrain();
            return true;
        }

        @Override
        public int size() {
            return queue.size();
        }

        void drainPass() {
            boolean wrote = false;
            E message;
            while (outbound.isOpen() && outbound.isWritable() && (message = queue.poll()) != null) {
                outbound.write(message);
                wrote = true;
            }
            if (wrote) {
                outbound.flush();
            }
        }
    }

    /**
     * Stage 2's "drain pending" flag, cleared after the drain's last poll instead of before its
     * first. An offer between the two sees the flag still set and schedules nothing; the drain
     * then clears it and leaves: the message is stranded until the next offer, which may never
     * come. Shown by {@link SendQueueModel.Race#OFFER_DURING_DRAIN}.
     */
    static final class DrainFlagClearedLate<E> extends Coalescing<E> {
        private final AtomicBoolean pending = new AtomicBoolean();

        DrainFlagClearedLate(int capacity, Outbound<E> outbound) {
            super(capacity, outbound);
        }

        @Override
        public void scheduleDrain() {
            if (pending.compareAndSet(false, true)) {
                outbound.execute(this::drain);
            }
        }

        private void drain() {
            drainPass();
            pending.set(false); // too late: offers since the last poll scheduled nothing
        }
    }

    /**
     * Stage 3's work-in-progress counter, reset to zero when the drain is done instead of having
     * the signals it collected subtracted. A signal that arrives after the last poll is wiped out
     * with the rest, so no drain goes round again and none is scheduled.
     * Shown by {@link SendQueueModel.Race#OFFER_DURING_DRAIN}.
     */
    static final class WorkCounterResetToZero<E> extends Coalescing<E> {
        private final AtomicInteger wip = new AtomicInteger();

        WorkCounterResetToZero(int capacity, Outbound<E> outbound) {
            super(capacity, outbound);
        }

        @Override
        public void scheduleDrain() {
            if (wip.getAndIncrement() == 0) {
                outbound.execute(this::drain);
            }
        }

        private void drain() {
            drainPass();
            wip.set(0); // should be addAndGet(-collected), going round again while it is not 0
        }
    }
}
