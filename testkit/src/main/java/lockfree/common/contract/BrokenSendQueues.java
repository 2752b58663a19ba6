package lockfree.common.contract;

import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Send queues with one planted mistake each. The first two are in the drain's hand-off, the two
 * ways a coalescing drain strands a message; {@code ModelCheckTeethTest} proves that
 * {@link SendQueueModel} finds both (their storage is a plain {@link ArrayBlockingQueue}: the
 * mistakes are in the signalling). The last keeps its count apart from its storage and lets the two
 * disagree; {@code SendQueueContractTeethTest} proves the contract's bound test finds it.
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

    /**
     * The benchmarks' limit queue as it was first written: a stack whose top node knows the
     * stack's depth, and a separate count of what the drain has taken but not yet written; the
     * two together are the queue's size, and an offer is refused when one more would pass the
     * capacity. The drain empties the stack with a getAndSet and only then adds what it took to
     * the count: an offer between the two sees an empty stack and the old count, and is accepted
     * past the capacity. (The fix is not to move the batch from one number to the other at all;
     * see {@code LimitSendQueue}, whose running numbers make taking the stack change no count.)
     */
    static final class CountedAfterTake<E> implements SendQueue<E> {
        static final class Node {
            final Object message;
            final Node next;
            final int depth;

            Node(Object message, Node next) {
                this.message = message;
                this.next = next;
                this.depth = next == null ? 1 : next.depth + 1;
            }
        }

        private final int capacity;
        private final Outbound<E> outbound;
        private final AtomicReference<Node> head = new AtomicReference<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final ArrayDeque<E> taken = new ArrayDeque<>(); // drain thread only
        private volatile int takenCount;

        CountedAfterTake(int capacity, Outbound<E> outbound) {
            this.capacity = capacity;
            this.outbound = outbound;
        }

        private static int depth(Node n) {
            return n == null ? 0 : n.depth;
        }

        @Override
        public boolean offer(E message) {
            for (;;) {
                Node h = head.get();
                if (depth(h) + takenCount >= capacity) {
                    return false;
                }
                if (head.compareAndSet(h, new Node(message, h))) {
                    scheduleDrain();
                    return true;
                }
            }
        }

        @Override
        public void scheduleDrain() {
            if (scheduled.compareAndSet(false, true)) {
                outbound.execute(this::drain);
            }
        }

        @Override
        public int size() {
            return depth(head.get()) + takenCount;
        }

        /** Empties the stack into {@code taken}, in push order, and only then counts it. */
        @SuppressWarnings("unchecked")
        private void take() {
            ArrayDeque<E> batch = new ArrayDeque<>();
            for (Node n = head.getAndSet(null); n != null; n = n.next) {
                batch.addFirst((E) n.message);
            }
            taken.addAll(batch);
            takenCount = taken.size(); // too late: offers since the getAndSet counted none of the batch
        }

        private void drain() {
            scheduled.set(false);
            take();
            boolean wrote = false;
            while (!taken.isEmpty() && outbound.isOpen() && outbound.isWritable()) {
                outbound.write(taken.poll());
                wrote = true;
            }
            if (!outbound.isOpen()) {
                while (!taken.isEmpty()) {
                    outbound.discard(taken.poll());
                }
            }
            if (wrote) {
                outbound.flush();
            }
            takenCount = taken.size();
            if (head.get() != null) {
                scheduleDrain();
            }
        }
    }
}
