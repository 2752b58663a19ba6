package lockfree.common.contract;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Send queues with one planted mistake each. The first two are in the drain's hand-off, the two
 * ways a coalescing drain strands a message; {@code ModelCheckTeethTest} proves that
 * {@link SendQueueModel} finds both (their storage is a plain {@link ArrayBlockingQueue}: the
 * mistakes are in the signalling). The last two keep their count apart from their storage and let
 * the two disagree while a drain takes; {@code SendQueueContractTeethTest} proves that
 * {@link SendQueueModel}'s bound race finds both.
 *
 * <p>Stage 2's and stage 3's jcstress tests run {@link DrainFlagClearedLate} too, each over the
 * storage of its own stage's queue ({@link DrainRace}): the same planted mistake under the model
 * checker and on real threads.
 */
public final class BrokenSendQueues {
    private BrokenSendQueues() {
    }

    /** Drains by polling until empty; subclasses decide when a drain gets scheduled. */
    abstract static class Coalescing<E> implements SendQueue<E> {
        final Queue<E> queue;
        final Outbound<E> outbound;

        Coalescing(Queue<E> queue, Outbound<E> outbound) {
            this.queue = queue;
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
    public static final class DrainFlagClearedLate<E> extends Coalescing<E> {
        private final AtomicBoolean pending = new AtomicBoolean();

        DrainFlagClearedLate(int capacity, Outbound<E> outbound) {
            this(new ArrayBlockingQueue<>(capacity), outbound);
        }

        /** Over the given storage, bounded by it (a jcstress test passes its stage's queue). */
        public DrainFlagClearedLate(Queue<E> storage, Outbound<E> outbound) {
            super(storage, outbound);
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
            super(new ArrayBlockingQueue<>(capacity), outbound);
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
     * A stack whose top node knows the stack's depth, and a separate count of what the drain has
     * taken but not yet written; the two together are the queue's size, and an offer is refused
     * when one more would pass the capacity. The drain takes the whole stack in one step and moves
     * its depth into the count, and there is the mistake: the stack and the count are two words,
     * so no order of updating them keeps their sum right for an offer that reads one before the
     * drain's two steps and the other after. The subclasses are the two orders of the drain, each
     * with the offer's order of reads that makes it wrong one way only (with the other order of
     * reads it would be wrong both ways); each is shown by
     * {@link SendQueueModel.BoundRace#WHILE_A_DRAIN_TAKES}. ({@code LimitSendQueue}
     * moves nothing from one number to another: its running numbers make taking the stack change
     * no count.)
     */
    abstract static class CountedApart<E> implements SendQueue<E> {
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
        final AtomicReference<Node> head = new AtomicReference<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        final ArrayDeque<E> taken = new ArrayDeque<>(); // drain thread only
        volatile int takenCount;

        CountedApart(int capacity, Outbound<E> outbound) {
            this.capacity = capacity;
            this.outbound = outbound;
        }

        static int depth(Node n) {
            return n == null ? 0 : n.depth;
        }

        /** What an offer read: the stack it pushes onto, and the queue's size as the two reads make it. */
        record Seen(Node head, int size) {
        }

        /** The offer's two reads, the stack's and the count's, in the subclass's order. */
        abstract Seen read();

        @Override
        public boolean offer(E message) {
            for (;;) {
                Seen seen = read();
                if (seen.size() >= capacity) {
                    return false;
                }
                Node h = seen.head();
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

        /** Moves the whole stack to {@code taken} and its depth to {@code takenCount}, in some order. */
        abstract void take();

        /** Appends the stack that was {@code top} to {@code taken}, in push order. */
        @SuppressWarnings("unchecked")
        void append(Node top) {
            ArrayDeque<E> batch = new ArrayDeque<>();
            for (Node n = top; n != null; n = n.next) {
                batch.addFirst((E) n.message);
            }
            taken.addAll(batch);
        }

        /** Takes before it looks at the outbound, as a batching drain does: taking must change no count. */
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

    /**
     * Empties the stack with a getAndSet, and only then counts what it took: an offer between the
     * two (or one that read the count before them) sees an empty stack and the old count, and is
     * accepted past the capacity.
     */
    static final class CountedAfterTake<E> extends CountedApart<E> {
        CountedAfterTake(int capacity, Outbound<E> outbound) {
            super(capacity, outbound);
        }

        @Override
        Seen read() {
            int counted = takenCount;
            Node h = head.get();
            return new Seen(h, depth(h) + counted);
        }

        @Override
        void take() {
            append(head.getAndSet(null));
            takenCount = taken.size(); // too late: offers since the getAndSet counted none of the batch
        }
    }

    /**
     * Counts the stack it read first, and then takes that stack with a CAS (reading again if a
     * producer pushed meanwhile): an offer that reads the stack before the drain's two steps and
     * the count between them sees the batch twice, and is refused below the capacity.
     */
    static final class CountedFirst<E> extends CountedApart<E> {
        CountedFirst(int capacity, Outbound<E> outbound) {
            super(capacity, outbound);
        }

        @Override
        Seen read() {
            Node h = head.get();
            return new Seen(h, depth(h) + takenCount);
        }

        @Override
        void take() {
            Node top;
            do {
                top = head.get();
                takenCount = taken.size() + depth(top); // too early: the batch is on the stack and in the count
            } while (!head.compareAndSet(top, null));
            append(top);
        }
    }
}
