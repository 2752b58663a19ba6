package lockfree.stage1;

import lockfree.common.Outbound;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stage 1's queue keeps stage 0's drain: a task per offer and a flush per message. These tests
 * pin that down, because it is the cost stage 2's batching removes (compare
 * {@code BatchingSendQueueTest} there).
 */
class LinkedSendQueueTest {

    private final ManualOutbound out = new ManualOutbound();
    private final LinkedSendQueue<Integer> queue = new LinkedSendQueue<>(1024, out);

    @Test
    void everyOfferSubmitsADrainAndEveryMessageIsFlushedOnItsOwn() {
        for (int i = 0; i < 10; i++) {
            assertTrue(queue.offer(i));
        }
        assertEquals(10, out.tasks.size(), "one drain task per offer");

        out.runPendingTasks();

        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), out.written);
        assertEquals(10, out.flushes, "one flush (one system call) per message");
        assertEquals(0, queue.size());
    }

    @Test
    void fullQueueRefusesAndSubmitsNothingForTheRefusedMessage() {
        LinkedSendQueue<Integer> small = new LinkedSendQueue<>(2, out);
        assertTrue(small.offer(1));
        assertTrue(small.offer(2));
        assertFalse(small.offer(3));
        assertEquals(2, out.tasks.size());
        assertEquals(2, small.size());
    }

    @Test
    void drainStopsWhileTheSocketIsBackedUpAndResumesOnScheduleDrain() {
        out.writable = false;
        queue.offer(1);
        queue.offer(2);
        out.runPendingTasks();
        assertEquals(List.of(), out.written);
        assertEquals(2, queue.size());

        out.writable = true;
        queue.scheduleDrain();
        out.runPendingTasks();
        assertEquals(List.of(1, 2), out.written);
    }

    @Test
    void closedOutboundGetsEverythingDiscarded() {
        queue.offer(1);
        queue.offer(2);
        out.open = false;
        out.runPendingTasks();
        assertEquals(List.of(), out.written);
        assertEquals(List.of(1, 2), out.discarded);
    }

    /** An outbound whose executor only queues tasks; the test runs them. Single-threaded. */
    private static final class ManualOutbound implements Outbound<Integer> {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        final List<Integer> written = new ArrayList<>();
        final List<Integer> discarded = new ArrayList<>();
        int flushes;
        boolean open = true;
        boolean writable = true;

        @Override
        public void execute(Runnable drain) {
            tasks.add(drain);
        }

        void runPendingTasks() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }

        @Override
        public boolean isWritable() {
            return writable;
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
        }

        @Override
        public void discard(Integer message) {
            discarded.add(message);
        }
    }
}
