package lockfree.common.contract;

import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SendQueue} under Lincheck's model checker, against {@link ManualEventLoop}: the event
 * loop is an operation ({@link #runEventLoop()}) that runs whatever drains are scheduled, so the
 * checker interleaves drains with offers step by step.
 *
 * <p>What {@code SendQueue}'s javadoc promises, and how it is checked here:
 * <ul>
 *   <li>{@code offer} into a queue with room returns true: the sequential specification
 *       ({@link Spec}). The queue here has room for every offer of a scenario; the bound is
 *       {@link Bound}'s business, with producers racing each other and a drain
 *       ({@link BoundRace}).</li>
 *   <li>No stranding, nothing lost or written twice: at the end of every run the event loop runs
 *       once more (as a real event loop eventually does) and {@link #nothingStranded()} checks that
 *       the queue is empty and exactly the accepted messages were written. Drains never overlap:
 *       {@link ManualEventLoop} records it if they do.</li>
 *   <li>Per-producer order is checked by {@code SendQueueContract} on real threads.</li>
 *   <li>{@code size()} is approximate while producers or the drain run: not an operation here.</li>
 * </ul>
 */
@Param(name = "message", gen = IntGen.class, conf = "1:9")
public final class SendQueueModel {
    /** More than the most offers a scenario makes, so no offer is refused here. */
    private static final int ROOM = 16;
    /** The bound {@link Bound} checks: a power of two from 4 up, exact in every stage. */
    static final int BOUND = 4;

    private static final Object LOCK = new Object();
    private static volatile SendQueue.Factory factory;

    private final ManualEventLoop<Integer> loop = new ManualEventLoop<>();
    private final SendQueue<Integer> queue = factory.create(ROOM, loop);
    private final AtomicInteger accepted = new AtomicInteger();

    /** The races named in {@code SendQueue}'s javadoc, explored in every run. */
    public enum Race {
        /** An offer lands while the drain runs, e.g. after its last poll: it must still be written. */
        OFFER_DURING_DRAIN,
        /** scheduleDrain (the channel turned writable) while a drain runs: neither lost nor doubled. */
        SCHEDULE_DURING_DRAIN,
        /** Two producers at once, then the event loop. */
        TWO_PRODUCERS,
        /** Two drains in a row with offers between and during them. */
        OFFERS_AROUND_TWO_DRAINS
    }

    private static ExecutionScenario scenario(Race race) {
        Scenario s = new Scenario(SendQueueModel.class);
        switch (race) {
            case OFFER_DURING_DRAIN -> s.init("offer", 1).thread("runEventLoop").thread("offer", 2);
            case SCHEDULE_DURING_DRAIN -> s.init("offer", 1).thread("runEventLoop").thread("scheduleDrain", "offer", 2);
            case TWO_PRODUCERS -> s.thread("offer", 1).thread("offer", 2).post("runEventLoop");
            case OFFERS_AROUND_TWO_DRAINS ->
                    s.init("offer", 1).thread("runEventLoop", "runEventLoop").thread("offer", 2, "offer", 3);
        }
        return s.build();
    }

    /** The bound's races, explored in every run against {@link BoundSpec}. */
    public enum BoundRace {
        /** Two producers race to the bound while nothing drains. */
        PRODUCERS_AT_THE_BOUND,
        /**
         * The bound while a drain takes: one below the bound, the event loop runs the drain while
         * a producer offers twice. Nothing can be written, so the first offer fills the queue and
         * the second is refused, wherever they land in the drain. This is the race of a queue
         * that keeps a count apart from its storage: a drain that empties the storage and counts
         * what it took afterwards lets an offer between the two see neither and accept past the
         * bound ({@link BrokenSendQueues.CountedAfterTake}); one that counts first lets an offer
         * that read the storage just before see both and refuse below it
         * ({@link BrokenSendQueues.CountedFirst}).
         */
        WHILE_A_DRAIN_TAKES
    }

    private static ExecutionScenario scenario(BoundRace race) {
        Scenario s = new Scenario(Bound.class);
        switch (race) {
            case PRODUCERS_AT_THE_BOUND -> s.init("offer", 1, "offer", 2).thread("offer", 3, "offer", 4).thread("offer", 5, "offer", 6);
            case WHILE_A_DRAIN_TAKES -> s.init("offer", 1, "offer", 2, "offer", 3).thread("runEventLoop").thread("offer", 4, "offer", 5);
        }
        return s.build();
    }

    /**
     * Model-checks the queues {@code queues} builds: the fixed races, random scenarios, then the
     * bound's races ({@link Bound}). Throws Lincheck's error with the failing interleaving.
     */
    public static void check(SendQueue.Factory queues) {
        ModelCheckingOptions options = ModelBudget.options(Spec.class, ModelBudget.ITERATIONS);
        for (Race race : Race.values()) {
            options.addCustomScenario(scenario(race));
        }
        run(queues, options, SendQueueModel.class);
        checkBoundRaces(queues, List.of(BoundRace.values()));
    }

    /** Only the fixed scenarios of {@code races}: what the broken variants' teeth test runs. */
    public static void checkRaces(SendQueue.Factory queues, List<Race> races) {
        ModelCheckingOptions options = ModelBudget.options(Spec.class, 0);
        races.forEach(r -> options.addCustomScenario(scenario(r)));
        run(queues, options, SendQueueModel.class);
    }

    /** Only the bound's scenarios of {@code races}, against {@link BoundSpec}. */
    public static void checkBoundRaces(SendQueue.Factory queues, List<BoundRace> races) {
        ModelCheckingOptions options = ModelBudget.options(BoundSpec.class, 0);
        races.forEach(r -> options.addCustomScenario(scenario(r)));
        run(queues, options, Bound.class);
    }

    /** Lincheck builds the model with no arguments, so the factory it uses is a static, one check at a time. */
    private static void run(SendQueue.Factory queues, ModelCheckingOptions options, Class<?> model) {
        synchronized (LOCK) {
            factory = queues;
            try {
                options.check(model);
            } finally {
                factory = null;
            }
        }
    }

    @Operation
    public boolean offer(@Param(name = "message") int message) {
        boolean ok = queue.offer(message);
        if (ok) {
            accepted.incrementAndGet();
        }
        return ok;
    }

    @Operation
    public void scheduleDrain() {
        queue.scheduleDrain();
    }

    /** The connection's event loop takes its turn: runs every drain scheduled so far. */
    @Operation(nonParallelGroup = "eventLoop")
    public void runEventLoop() {
        loop.runPending();
    }

    /**
     * Runs once the threads are done: the event loop runs later, as a real one does, and after
     * that nothing may be left in the queue (a stranded message waits for an offer that may never
     * come), and exactly the accepted messages have been written.
     */
    @Validate
    public void nothingStranded() {
        loop.runPending();
        if (queue.size() != 0) {
            throw new IllegalStateException(queue.size() + " message(s) stranded: no drain was left to write them");
        }
        if (loop.written.size() != accepted.get()) {
            throw new IllegalStateException(accepted.get() + " accepted but " + loop.written.size() + " written: " + loop.written);
        }
        if (loop.overlapped()) {
            throw new IllegalStateException("two drains ran at once");
        }
    }

    /** The sequential specification: a queue with room accepts every offer. */
    public static final class Spec {
        public boolean offer(int message) {
            return true;
        }

        public void scheduleDrain() {
        }

        public void runEventLoop() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Spec;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    /**
     * The bound: a queue of {@value #BOUND} accepts offers while fewer than {@value #BOUND}
     * messages are queued and refuses the rest, however producers and the drain interleave. The outbound is not writable while the threads run, so
     * nothing is written and every accepted message stays queued: the number a specification can
     * state exactly. (A drain that writes frees room one message at a time, which no single step
     * of a specification matches.) A drain may still take messages out of the queue's storage
     * while it cannot write them, as {@code LimitSendQueue} does; taking must change no count.
     * The stages' drains look at writability before they take, so for them the drain step finds
     * nothing to do, and the race checks that it does nothing to the bound.
     */
    public static final class Bound {
        private final ManualEventLoop<Integer> loop = new ManualEventLoop<>();
        private final SendQueue<Integer> queue = factory.create(BOUND, loop);
        private final ConcurrentLinkedQueue<Integer> accepted = new ConcurrentLinkedQueue<>();

        {
            loop.writable = false;
        }

        @Operation
        public boolean offer(int message) {
            boolean ok = queue.offer(message);
            if (ok) {
                accepted.add(message);
            }
            return ok;
        }

        /** The event loop runs the drains scheduled so far; with nothing writable they write nothing. */
        @Operation(nonParallelGroup = "eventLoop")
        public void runEventLoop() {
            loop.runPending();
        }

        /**
         * Once the threads are done: every accepted message is still queued, and once the
         * channel turns writable (the gateway then calls scheduleDrain) exactly those are written.
         */
        @Validate
        public void acceptedMessagesWrittenOnceWritable() {
            if (queue.size() != accepted.size()) {
                throw new IllegalStateException(accepted.size() + " accepted while nothing could be written, but "
                        + queue.size() + " queued");
            }
            loop.writable = true;
            queue.scheduleDrain();
            loop.runPending();
            List<Integer> expected = accepted.stream().sorted().toList();
            List<Integer> written = loop.written.stream().sorted().toList();
            if (!written.equals(expected) || queue.size() != 0) {
                throw new IllegalStateException("accepted " + expected + " but written " + written
                        + " and " + queue.size() + " stranded once writable");
            }
            if (loop.overlapped()) {
                throw new IllegalStateException("two drains ran at once");
            }
        }
    }

    /** Accepts while fewer than {@value #BOUND} are queued; nothing is written, so the event loop changes nothing. */
    public static final class BoundSpec {
        private int queued;

        public boolean offer(int message) {
            if (queued == BOUND) {
                return false;
            }
            queued++;
            return true;
        }

        public void runEventLoop() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BoundSpec other && other.queued == queued;
        }

        @Override
        public int hashCode() {
            return queued;
        }
    }
}
