package lockfree.stage1;

import lockfree.common.contract.RecordingOutbound;
import lockfree.common.testkit.Patience;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stage 1 changes the queue's data structure and keeps stage 0's drain: a task per offer and a
 * flush per message. This test pins that down, because it is the cost stage 2's batching removes
 * (compare {@code BatchingSendQueueTest} there). The rules every queue keeps are in
 * {@link LinkedSendQueueContractTest}.
 */
class LinkedSendQueueTest {

    private static final Duration QUIET = Patience.seconds(10);

    @Test
    void burstOfOffersSubmitsADrainPerOfferAndFlushesEveryMessageOnItsOwn() throws Exception {
        try (RecordingOutbound<Integer> out = new RecordingOutbound<>("stage1")) {
            LinkedSendQueue<Integer> queue = new LinkedSendQueue<>(1024, out);
            // Hold the event loop so the whole burst is queued before any drain runs.
            CountDownLatch release = new CountDownLatch(1);
            out.execute(() -> await(release));

            for (int i = 0; i < 10; i++) {
                assertTrue(queue.offer(i));
            }
            release.countDown();
            out.awaitQuiescence(QUIET);

            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), out.written());
            assertEquals(1 + 10, out.executeCount(), "the blocker, then one drain task per offer");
            assertEquals(10, out.flushCount(), "one flush, so one system call, per message");
            assertEquals(List.of(), out.violations());
        }
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // the outbound is being closed
        }
    }
}
