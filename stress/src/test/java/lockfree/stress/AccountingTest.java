package lockfree.stress;

import lockfree.common.testkit.Patience;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where every message went, and what the percentiles say: the numbers the tool exists to report. */
class AccountingTest {

    @Test
    void everyUnicastMessageLandsInExactlyOneBucket() {
        Tally t = new Tally();
        for (int i = 0; i < 10; i++) {
            t.sent(1);
            t.requested();
        }
        for (int i = 0; i < 6; i++) {
            t.acked("ok");
            t.delivered(0, 1000);
        }
        t.acked("dropped");
        t.acked("dropped");
        t.acked("offline");
        // one message: acked ok, never delivered; and one ack still missing
        t.acked("ok");
        Counts c = t.counts();
        assertEquals(10, c.sent());
        assertEquals(6, c.delivered());
        assertEquals(2, c.dropped());
        assertEquals(1, c.offline());
        assertEquals(1, c.lost(), "sent - delivered - dropped - offline");
        assertEquals(0, c.extra());
        assertFalse(c.settled(), "one ack is missing and one message has not arrived");
        assertEquals(60.0, c.successPercent(), 1e-9);
    }

    @Test
    void settledOnceEveryAnswerIsInAndEveryMessageIsAccountedFor() {
        Tally t = new Tally();
        t.sent(2);
        t.requested();
        t.requested();
        t.acked("ok");
        t.acked("dropped");
        assertFalse(t.counts().settled(), "the ok message has not been delivered yet");
        t.delivered(5, 10);
        assertTrue(t.counts().settled());
        assertEquals(0, t.counts().lost());
    }

    @Test
    void aBroadcastPushThatReachesFewerUsersCountsTheRestAsDropped() {
        Tally t = new Tally();
        t.sent(100); // one push to 100 logged-in users
        t.requested();
        t.pushAnswered(100, 97);
        for (int i = 0; i < 97; i++) {
            t.delivered(0, 1);
        }
        Counts c = t.counts();
        assertEquals(3, c.dropped());
        assertEquals(0, c.lost());
        assertTrue(c.settled());
    }

    @Test
    void duplicatesShowAsExtraAndDoNotHideALoss() {
        Counts c = new Counts(10, 11, 0, 0, 10, 10);
        assertEquals(0, c.lost());
        assertEquals(1, c.extra());
    }

    @Test
    void unknownAckStatusesAndFailedPushesAreCountedAsUnexpected() {
        Tally t = new Tally();
        t.requested();
        t.acked("weird");
        t.requested();
        t.failed();
        assertEquals(2, t.unexpectedFrames());
        assertEquals(2, t.counts().answers(), "both requests got their (bad) answer, so settling can finish");
    }

    @Test
    void countsFromSeveralClientJvmsAddUp() {
        Counts a = new Counts(10, 9, 1, 0, 10, 10);
        Counts b = new Counts(5, 4, 0, 0, 5, 5);
        assertEquals(new Counts(15, 13, 1, 0, 15, 15), a.plus(b));
        assertEquals(1, a.plus(b).lost());
    }

    @Test
    void latencyIsTheReceiveTimeMinusTheSendTimeCarriedInTheMessage() {
        Tally t = new Tally();
        // 1..1000 microseconds, one each: p50 is 500 us, p99 990 us, max 1 ms.
        for (long us = 1; us <= 1000; us++) {
            long sentAt = 1_000_000_000L;
            t.delivered(sentAt, sentAt + TimeUnit.MICROSECONDS.toNanos(us));
        }
        Latency l = Latency.of(t.takeLatency());
        assertEquals(1000, l.count());
        // HdrHistogram with 3 significant digits: within 0.1%.
        assertEquals(0.500, l.p50(), 0.0005);
        assertEquals(0.900, l.p90(), 0.001);
        assertEquals(0.990, l.p99(), 0.001);
        assertEquals(0.999, l.p999(), 0.001);
        assertEquals(1.000, l.max(), 0.001);
        assertEquals(0, Latency.of(t.takeLatency()).count(), "taking the histogram starts a new interval");
    }

    @Test
    void aLatencyBeyondTheRecordersRangeIsRecordedAsItsHighestAndStillTravels() {
        Tally t = new Tally();
        t.delivered(0, TimeUnit.MICROSECONDS.toNanos(100));
        t.delivered(0, 2 * Tally.HIGHEST_NANOS);
        Histogram back = Latency.decode(Latency.encode(t.takeLatency()));
        assertEquals(2, back.getTotalCount());
        assertEquals(Tally.HIGHEST_NANOS, back.getMaxValue(), Tally.HIGHEST_NANOS / 1000.0,
                "clamped to the range, within the histogram's 0.1%");
        assertEquals(Tally.HIGHEST_NANOS, back.getHighestTrackableValue(),
                "the header names the recorder's fixed range: it never resized");
    }

    @Test
    void histogramsSurviveTheTripFromAClientJvmAndMergeBeforePercentiles() {
        Histogram fast = new Histogram(3);
        Histogram slow = new Histogram(3);
        for (int i = 0; i < 99; i++) {
            fast.recordValue(TimeUnit.MICROSECONDS.toNanos(100));
        }
        slow.recordValue(TimeUnit.MILLISECONDS.toNanos(50));
        WorkerResult a = result(fast, new Counts(99, 99, 0, 0, 99, 99));
        WorkerResult b = result(slow, new Counts(1, 1, 0, 0, 1, 1));
        StageResult s = Coordinator.merge("stage-x", "1 1 1", false, List.of(a, b), 2_000_000,
                new GatewayCounters(0, 0, 0), 100, 200, -1);
        assertEquals(100, s.latency().count());
        assertEquals(0.1, s.latency().p50(), 0.001);
        assertEquals(50.0, s.latency().max(), 0.05);
        assertEquals(100, s.counts().delivered());
        assertEquals(0, s.lost());
        assertEquals(20.0, s.cpuMicrosPerDelivery(), 1e-9, "2 ms of gateway CPU over 100 deliveries");
        assertEquals(100 / 2.0 + 0, s.throughput(), 1e-9, "each JVM's rate, added: 99/2s + 1/2s");
    }

    @Test
    void withARouterTheGatewaysCountRefusalsTheClientsNeverHearOf() {
        // Worker a sent 10 messages; 7 arrived at b's users, 1 at a's own. Gateway 2 refused 2 of
        // them on full queues, which nobody was told: only its counter knows.
        WorkerResult a = result(new Histogram(3), new Counts(10, 1, 0, 0, 10, 10));
        WorkerResult b = result(new Histogram(3), new Counts(0, 7, 0, 0, 0, 0));
        StageResult own = Coordinator.merge("stage-x", "0 0 0", false, List.of(a, b), 1, new GatewayCounters(2, 0, 0), 0, 0, -1);
        assertEquals(2, own.lost(), "without a router the clients' answers are the account");
        StageResult joined = Coordinator.merge("stage-x", "0 0 0", true, List.of(a, b), 1, new GatewayCounters(2, 0, 0), 0, 0, 40);
        assertEquals(0, joined.lost());
        assertEquals(2, joined.counts().dropped());
        assertEquals(0, joined.droppedByAnswers());
        assertEquals(40, joined.redisPerConnection());

        Counts published = new Counts(10, 7, 0, 0, 10, 10).accountedBy(new GatewayCounters(1, 1, 1));
        assertEquals(new Counts(10, 7, 2, 1, 10, 10), published, "router drops are drops, unheard is offline");
        assertEquals(new Counts(10, 7, 0, 0, 10, 10),
                new Counts(10, 7, 0, 0, 10, 10).accountedBy(GatewayCounters.UNKNOWN), "unreadable counters change nothing");
    }

    @Test
    void aRoundHasSettledOnlyWhenEveryMessageIsAccountedFor() throws Exception {
        java.util.Deque<Counts> readings = new java.util.ArrayDeque<>(List.of(
                new Counts(5, 3, 0, 0, 5, 5), new Counts(5, 4, 1, 0, 5, 4), new Counts(5, 4, 1, 0, 5, 5)));
        assertTrue(Coordinator.awaitSettled(readings::pop, Patience.seconds(10)));
        assertTrue(readings.isEmpty(), "it read until the counts settled, and no further");
        assertFalse(Coordinator.awaitSettled(() -> new Counts(5, 4, 0, 0, 5, 5), java.time.Duration.ofMillis(300)),
                "one message neither delivered nor refused: not settled when the limit runs out");
    }

    private static WorkerResult result(Histogram latency, Counts counts) {
        return new WorkerResult((int) counts.sent(), 0, null, 1.0, Latency.encode(new Histogram(3)), counts, 0,
                1.0, 2.0, false, Latency.encode(latency));
    }
}
