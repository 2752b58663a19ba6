package lockfree.stage2;

import lockfree.common.Outbound;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What stage 2's queue adds over stage 1's: one drain task per burst and one flush per drain.
 * The outbound here runs nothing by itself; each test decides when the "event loop" runs the
 * submitted drains, which makes a burst, and a producer racing a drain, deterministic.
 */
class BatchingSendQueueTest {

    private final ManualOutbound out = new ManualOutbound();
    private final BatchingSendQueue<Integer> queue = new BatchingSendQueue<>(1024, out);

    @Test
    void burstOfOffersSchedulesOneDrainThatWritesAllAndFlushesOnce() {
        for (int i = 0; i < 100; i++) {
            assertTrue(queue.offer(i));
        }
        assertEquals(1, out.pendingTasks(), "one drain for the whole burst");

        out.runPendingTasks();

        assertEquals(IntStream.range(0, 100).boxed().toList(), out.written);
        assertEquals(1, out.flushes, "many writes, one flush");
        assertEquals(0, queue.size());
    }

    @Test
    void nextBurstAfterADrainSchedulesTheNextDrain() {
        queue.offer(1);
        queue.offer(2);
        out.runPendingTasks();
        queue.offer(3);
        queue.offer(4);

        assertEquals(1, out.pendingTasks());
        out.runPendingTasks();
        assertEquals(List.of(1, 2, 3, 4), out.written);
        assertEquals(2, out.flushes);
    }

    /**
     * The missed wake-up the drain's flag order prevents. Another producer offers while the drain
     * is past its last poll (here: while it flushes). Had the drain cleared its "pending" flag
     * only at the end, this producer would have seen the flag still set, scheduled nothing, and
     * its message would sit in the queue with no drain coming.
     */
    @Test
    void messageOfferedWhileTheDrainFlushesIsNotStranded() {
        queue.offer(1);
        out.onFirstFlush = () -> assertTrue(queue.offer(2));

        out.runPendingTasks();

        assertEquals(List.of(1, 2), out.written);
        assertEquals(0, queue.size());
    }

    @Test
    void drainThatStopsBecauseTheSocketBackedUpStillFlushesWhatItWrote() {
        for (int i = 0; i < 10; i++) {
            queue.offer(i);
        }
        out.writableForWrites = 3;   // the outbound buffer passes its high-water mark after 3 writes

        out.runPendingTasks();
        assertEquals(List.of(0, 1, 2), out.written);
        assertEquals(1, out.flushes, "without this flush the buffer never drains and writability never returns");
        assertEquals(7, queue.size());

        out.writableForWrites = Integer.MAX_VALUE;   // the gateway sees writability come back...
        queue.scheduleDrain();                        // ...and asks for a drain
        out.runPendingTasks();
        assertEquals(IntStream.range(0, 10).boxed().toList(), out.written);
        assertEquals(2, out.flushes);
    }

    @Test
    void fullQueueRefusesWithoutSchedulingAnything() {
        BatchingSendQueue<Integer> small = new BatchingSendQueue<>(2, out);
        assertTrue(small.offer(1));
        assertTrue(small.offer(2));
        assertFalse(small.offer(3));
        assertEquals(1, out.pendingTasks());
        out.runPendingTasks();
        assertEquals(List.of(1, 2), out.written);
    }

    @Test
    void closedOutboundGetsNothingWrittenAndEverythingDiscarded() {
        queue.offer(1);
        queue.offer(2);
        out.open = false;

        out.runPendingTasks();

        assertEquals(List.of(), out.written);
        assertEquals(List.of(1, 2), out.discarded);
        assertEquals(0, out.flushes);
    }

    /** An outbound whose executor only queues tasks; the test runs them. Single-threaded. */
    private static final class ManualOutbound implements Outbound<Integer> {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        final List<Integer> written = new ArrayList<>();
        final List<Integer> discarded = new ArrayList<>();
        int flushes;
        boolean open = true;
        int writableForWrites = Integer.MAX_VALUE;
        Runnable onFirstFlush;

        @Override
        public void execute(Runnable drain) {
            tasks.add(drain);
        }

        int pendingTasks() {
            return tasks.size();
        }

        /** The event loop: runs tasks, including any submitted while running, until none is left. */
        void runPendingTasks() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }

        @Override
        public boolean isWritable() {
            return written.size() < writableForWrites;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void write(Integer message) {
            written.add(message);
        }

        @Override
        public void flush() {
            flushes++;
            if (onFirstFlush != null) {
                Runnable hook = onFirstFlush;
                onFirstFlush = null;
                hook.run();
            }
        }

        @Override
        public void discard(Integer message) {
            discarded.add(message);
        }
    }
}
