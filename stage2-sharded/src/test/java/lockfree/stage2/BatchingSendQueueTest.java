package lockfree.stage2;

import lockfree.common.Outbound;
import lockfree.common.contract.RecordingOutbound;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What stage 2's queue adds over stage 1's: one drain task per burst and one flush per drain
 * (stage 1's {@code LinkedSendQueueTest} shows a task and a flush per message for the same burst).
 * The rules every queue keeps are in {@link BatchingSendQueueContractTest}.
 */
class BatchingSendQueueTest {

    private static final Duration QUIET = Duration.ofSeconds(10);

    @Test
    void burstOfOffersSchedulesOneDrainThatWritesAllAndFlushesOnce() throws Exception {
        try (RecordingOutbound<Integer> out = new RecordingOutbound<>("stage2")) {
            BatchingSendQueue<Integer> queue = new BatchingSendQueue<>(1024, out);
            CountDownLatch release = holdEventLoop(out);

            for (int i = 0; i < 100; i++) {
                assertTrue(queue.offer(i));
            }
            release.countDown();
            out.awaitQuiescence(QUIET);

            assertEquals(range(0, 100), out.written());
            assertEquals(1 + 1, out.executeCount(), "the blocker, then one drain for the whole burst");
            assertEquals(1, out.flushCount(), "many writes, one flush");
            assertEquals(List.of(), out.violations());
        }
    }

    @Test
    void eachBurstAfterADrainGetsItsOwnDrainAndFlush() throws Exception {
        try (RecordingOutbound<Integer> out = new RecordingOutbound<>("stage2")) {
            BatchingSendQueue<Integer> queue = new BatchingSendQueue<>(1024, out);
            for (int burst = 0; burst < 3; burst++) {
                CountDownLatch release = holdEventLoop(out);
                for (int i = 0; i < 10; i++) {
                    assertTrue(queue.offer(burst * 10 + i));
                }
                release.countDown();
                out.awaitQuiescence(QUIET);
            }

            assertEquals(range(0, 30), out.written());
            assertEquals(3 + 3, out.executeCount(), "three blockers, three drains");
            assertEquals(3, out.flushCount());
            assertEquals(List.of(), out.violations());
        }
    }

    /**
     * The missed wake-up that the order "clear the pending flag, then poll" prevents. Another
     * producer offers while the drain is past its last poll (here: while it flushes). Had the
     * drain cleared its flag only at the end, this producer would have found it still set,
     * scheduled nothing, and its message would sit in the queue with no drain coming.
     *
     * <p>This needs the producer to act at one exact point inside the drain, so the outbound here
     * is scripted: its executor only collects tasks, and the test runs them.
     */
    @Test
    void messageOfferedWhileTheDrainFlushesIsNotStranded() {
        ScriptedOutbound out = new ScriptedOutbound();
        BatchingSendQueue<Integer> queue = new BatchingSendQueue<>(1024, out);
        queue.offer(1);
        out.onFirstFlush = () -> assertTrue(queue.offer(2));

        out.runTasksUntilIdle();

        assertEquals(List.of(1, 2), out.written);
        assertEquals(0, queue.size());
    }

    /** Submits a task that keeps the outbound's event loop busy until the returned latch opens. */
    private static CountDownLatch holdEventLoop(RecordingOutbound<?> out) {
        CountDownLatch release = new CountDownLatch(1);
        out.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();   // the outbound is being closed
            }
        });
        return release;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().collect(Collectors.toList());
    }

    /** Single-threaded: execute() only queues the task; the test plays the event loop. */
    private static final class ScriptedOutbound implements Outbound<Integer> {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        final List<Integer> written = new ArrayList<>();
        Runnable onFirstFlush;

        @Override
        public void execute(Runnable drain) {
            tasks.add(drain);
        }

        /** Runs tasks, including those submitted meanwhile, until none is left. */
        void runTasksUntilIdle() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void write(Integer message) {
            written.add(message);
        }

        @Override
        public void flush() {
            Runnable hook = onFirstFlush;
            onFirstFlush = null;
            if (hook != null) {
                hook.run();
            }
        }

        @Override
        public void discard(Integer message) {
            throw new AssertionError("nothing is discarded while the outbound is open: " + message);
        }
    }
}
