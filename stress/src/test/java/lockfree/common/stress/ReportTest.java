package lockfree.common.stress;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table a run prints, and the same table in Markdown for the docs. */
class ReportTest {

    private static StageResult stage(String name, Counts counts, long droppedByGateway, String router) {
        Histogram h = new Histogram(3);
        h.recordValue(2_000_000); // 2 ms
        WorkerResult r = new WorkerResult((int) counts.sent(), 0, null, 1.0, Latency.encode(new Histogram(3)), counts, 0,
                1.0, 2.0, false, Latency.encode(h));
        return Coordinator.merge(name, "0.10 0.20 0.30", "redis".equals(router), List.of(r), 4_000_000,
                new GatewayCounters(droppedByGateway, 0, 0), 3000, 6000, "redis".equals(router) ? 200 : -1);
    }

    @Test
    void laterStagesShowTheirRatioToTheFirst() {
        StageResult a = stage("stage0-rwlock", new Counts(2, 2, 0, 0, 2, 2), 0, "none");
        StageResult b = stage("stage3-lockfree", new Counts(4, 4, 0, 0, 4, 4), 0, "none");
        String text = Report.table("title", List.of(a, b));
        assertTrue(text.startsWith("title\n"), text);
        // 4 ms of CPU over 2 and over 4 deliveries: 2000 us and 1000 us, half the first column's.
        assertTrue(text.contains("2000") && text.contains("1000 (0.50x)"), text);
        assertTrue(!text.contains("Redis per connection"), "no router, no Redis row");
    }

    @Test
    void markdownHasOneHeaderRuleAndMarksLossesAndMismatches() {
        StageResult ok = stage("stage0-rwlock", new Counts(10, 10, 0, 0, 10, 10), 0, "none");
        StageResult bad = stage("stage3-lockfree", new Counts(10, 7, 1, 0, 10, 10), 0, "none");
        String md = Report.markdown(List.of(ok, bad));
        String[] lines = md.split("\n");
        assertEquals("|  | stage0-rwlock | stage3-lockfree |", lines[0]);
        assertEquals("|---|---|---|", lines[1]);
        assertTrue(md.contains("| **lost** | **0** | **2** |"), md);
        assertTrue(md.contains("- stage3-lockfree: 2 messages neither arrived"), md);
        assertTrue(md.contains("- stage3-lockfree: the answers reported 1 drops but the gateway counted 0"), md);
    }

    @Test
    void deliveriesBeyondWhatWasSentAreReportedNotHidden() {
        StageResult twice = stage("stage3-lockfree", new Counts(10, 12, 0, 0, 10, 10), 0, "none");
        String text = Report.table("t", List.of(twice));
        assertTrue(text.contains("! stage3-lockfree: 2 deliveries more than were sent"), text);
    }

    @Test
    void withARouterTheGatewaysAccountAndRedisMemoryIsShown() {
        StageResult joined = stage("stage3-lockfree", new Counts(10, 9, 0, 0, 10, 10), 1, "redis");
        String md = Report.markdown(List.of(joined));
        assertTrue(md.contains("| **lost** | **0** |"), "the gateway's drop accounts for the missing one: " + md);
        assertTrue(md.contains("| dropped: answers / gateway | 0 / 1 |"), md);
        assertTrue(md.contains("| Redis per connection (B) | 200 |"), md);
        assertTrue(!md.contains("the answers reported"), "with a router the two counts need not agree");
    }
}
