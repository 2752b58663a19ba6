package lockfree.exercises.ex07_batched_drain;

import lockfree.common.testkit.Patience;
import lockfree.common.contract.ManualEventLoop;
import lockfree.common.contract.Outbound;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchingSendQueueTest {

    /** The rules every stage's send queue keeps. */
    @Nested
    class Contract extends SendQueueContract {
        @Override
        protected SendQueue.Factory factory() {
            return BatchingSendQueue::new;
        }
    }

    /**
     * 100 messages pile up while the socket is backed up; when it drains, the gateway schedules one
     * drain, which must write all 100 and flush once. The drains that ran while the outbound was
     * unwritable wrote nothing and must not have flushed either.
     */
    @Test
    void aBurstIsWrittenWithOneFlush() throws Exception {
        try (RecordingOutbound<Integer> out = new RecordingOutbound<>("burst")) {
            BatchingSendQueue<Integer> q = new BatchingSendQueue<>(1024, out);
            out.setWritable(false);
            List<Integer> burst = IntStream.range(0, 100).boxed().toList();
            burst.forEach(q::offer);
            out.awaitQuiescence(Patience.seconds(10));
            assertEquals(List.of(), out.violations(), "the drains that found the outbound unwritable");
            assertEquals(0, out.flushCount(), "nothing was written yet, so nothing to flush");

            out.setWritable(true);
            q.scheduleDrain();
            out.awaitQuiescence(Patience.seconds(10));

            assertEquals(burst, out.written());
            assertEquals(1, out.flushCount(), "100 writes, one flush");
            assertEquals(List.of(), out.violations());
        }
    }

    /**
     * The event loop is idle and runs a drain the moment it is scheduled, before the producer's
     * next line: a producer thread can be descheduled right after execute(), and the event loop's
     * thread picks the task up at once. The test's outbound runs each drain inside execute(),
     * which is that timing on every run. An offer that schedules its drain before it queues the
     * message finds that drain already over, and the message waits for the next offer, which may
     * never come. (The contract's real consumer thread hits this window on some runs only.)
     */
    @Test
    void aDrainThatRunsTheMomentItIsScheduledFindsTheMessage() {
        ManualEventLoop<Integer> loop = new ManualEventLoop<>();
        BatchingSendQueue<Integer> q = new BatchingSendQueue<>(16, new RunsDrainsAtOnce<>(loop));

        assertTrue(q.offer(1));
        assertTrue(q.offer(2));

        assertEquals(List.of(1, 2), loop.written, "a drain that ran as soon as it was scheduled must find the message"
                + " offered: queue the message first, then schedule the drain");
        assertEquals(0, q.size(), "nothing may stay in the queue");
    }

    /** An event loop with nothing else to do: execute() runs the drain before it returns. */
    private record RunsDrainsAtOnce<E>(ManualEventLoop<E> loop) implements Outbound<E> {
        @Override
        public void execute(Runnable drain) {
            loop.execute(drain);
            loop.runPending();
        }

        @Override
        public boolean isWritable() {
            return loop.isWritable();
        }

        @Override
        public boolean isOpen() {
            return loop.isOpen();
        }

        @Override
        public void write(E message) {
            loop.write(message);
        }

        @Override
        public void flush() {
            loop.flush();
        }

        @Override
        public void discard(E message) {
            loop.discard(message);
        }
    }
}
