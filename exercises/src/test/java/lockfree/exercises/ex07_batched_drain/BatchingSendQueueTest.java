package lockfree.exercises.ex07_batched_drain;

import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
            out.awaitQuiescence(Duration.ofSeconds(10));
            assertEquals(List.of(), out.violations(), "the drains that found the outbound unwritable");
            assertEquals(0, out.flushCount(), "nothing was written yet, so nothing to flush");

            out.setWritable(true);
            q.scheduleDrain();
            out.awaitQuiescence(Duration.ofSeconds(10));

            assertEquals(burst, out.written());
            assertEquals(1, out.flushCount(), "100 writes, one flush");
            assertEquals(List.of(), out.violations());
        }
    }
}
