package lockfree.stage2;

import lockfree.common.contract.RecordingOutbound;
import lockfree.common.testkit.Patience;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What stage 2's queue adds over stage 1's: one drain task per burst and one flush per drain
 * (stage 1's {@code LinkedSendQueueTest} shows a task and a flush per message for the same burst).
 * The rules every queue keeps, including the missed wake-up this drain's flag order prevents (an
 * offer made while the drain flushes), are checked by {@link BatchingSendQueueContractTest}.
 */
class BatchingSendQueueTest {

    private static final Duration QUIET = Patience.seconds(10);

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
}
