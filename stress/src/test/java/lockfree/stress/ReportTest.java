package lockfree.stress;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table a run prints, and the same table in Markdown for the docs. */
class ReportTest {

    private static StageResult stage(String name, Counts counts, long droppedByGateway, String router) {
        return stage(name, counts, droppedByGateway, router, 2_000_000, 4_000_000);
    }

    /** One stage's result whose every delivery took {@code latencyNanos} and whose gateway used {@code cpuNanos}. */
    private static StageResult stage(String name, Counts counts, long droppedByGateway, String router,
                                     long latencyNanos, long cpuNanos) {
        Histogram h = new Histogram(3);
        h.recordValue(latencyNanos);
        WorkerResult r = new WorkerResult((int) counts.sent(), 0, null, 1.0, Latency.encode(new Histogram(3)), counts, 0,
                1.0, 2.0, false, Latency.encode(h));
        return Coordinator.merge(name, "0.10 0.20 0.30", "redis".equals(router), List.of(r), cpuNanos,
                new GatewayCounters(droppedByGateway, 0, 0), 3000, 6000, "redis".equals(router) ? 200 : -1);
    }

    private static List<String> row(String table, String label) {
        return table.lines().filter(l -> l.startsWith("| " + label + " |")).toList();
    }

    @Test
    void ratiosAreLabelledAndOneRunResolvesNothing() {
        StageResult a = stage("stage0-rwlock", new Counts(2, 2, 0, 0, 2, 2), 0, "none");
        StageResult b = stage("stage3-lockfree", new Counts(4, 4, 0, 0, 4, 4), 0, "none");
        String text = Report.table("title", List.of(List.of(a, b)));
        assertTrue(text.startsWith("title\n"), text);
        // 4 ms of CPU over 2 and over 4 deliveries: 2000 us and 1000 us, half the first column's.
        assertTrue(text.contains("CPU per delivery ratio to stage0-rwlock  -") && text.contains("not resolved (0.50x)"), text);
        assertTrue(text.contains("One run per column."), "the legend says what a ratio is: " + text);
        assertFalse(text.contains("ratio to limit"), "no limit column, no ratio to it");
        assertFalse(text.contains("Redis per connection"), "no router, no Redis row");
    }

    /** A label as wide as a fixed column would push its row one character right. */
    @Test
    void everyRowsColumnsStartWhereTheHeadersDo() {
        StageResult a = stage("stage0-rwlock", new Counts(1_000_000, 1_000_000, 0, 0, 10, 10), 123_456_789, "none");
        StageResult b = stage("limit", new Counts(10, 10, 0, 0, 10, 10), 0, "none");
        String text = Report.table("t", List.of(List.of(a, b)));
        List<String> lines = text.lines().skip(1).takeWhile(l -> !l.startsWith("One run")).toList();
        String header = lines.get(0);
        int first = header.indexOf("stage0-rwlock");
        int second = header.indexOf("limit");
        for (String line : lines.subList(1, lines.size())) {
            assertEquals(' ', line.charAt(first - 1), line);
            assertTrue(line.charAt(first) != ' ', "column 1 starts at " + first + ": '" + line + "'");
            assertTrue(line.length() > second && line.charAt(second - 1) == ' ' && line.charAt(second) != ' ',
                    "column 2 starts at " + second + ": '" + line + "'");
        }
        assertTrue(text.contains("dropped: answers / gateway"), text);
    }

    @Test
    void repeatsShowMedianAndRangeAndCallADifferenceOnlyWhereRangesDoNotOverlap() {
        List<List<StageResult>> repeats = new ArrayList<>();
        // Gateway CPU over 10 deliveries, so CPU per delivery is cpu / 10 us, exactly.
        long[] s0 = {4_000_000, 5_000_000, 6_000_000};   // stage 0: 400, 500, 600 us
        long[] s3 = {5_500_000, 1_800_000, 9_000_000};   // stage 3: 550, 180, 900: overlaps both others
        long[] lim = {1_000_000, 1_500_000, 2_000_000};  // limit: 100, 150, 200, below stage 0's range
        for (int r = 0; r < 3; r++) {
            Counts c = new Counts(10, 10, 0, 0, 10, 10);
            repeats.add(List.of(stage("stage0-rwlock", c, 0, "none", 2_000_000, s0[r]),
                    stage("stage3-lockfree", c, 0, "none", 2_000_000, s3[r]),
                    stage("limit", c, 0, "none", 2_000_000, lim[r])));
        }
        String md = Report.markdown(repeats);
        assertEquals(List.of("| CPU per delivery (us) | 500 [400-600] | 550 [180-900] | 150 [100-200] |"),
                row(md, "CPU per delivery (us)"), md);
        assertEquals(List.of("| CPU per delivery ratio to stage0-rwlock | - | not resolved (1.10x) | 0.30x |"),
                row(md, "CPU per delivery ratio to stage0-rwlock"), md);
        assertEquals(List.of("| CPU per delivery ratio to limit | 3.33x | not resolved (3.67x) | - |"),
                row(md, "CPU per delivery ratio to limit"), md);
        assertEquals(List.of("| sent | 30 | 30 | 30 |"), row(md, "sent"), "counts are totals over the runs");
        assertTrue(md.contains("median [min-max] of 3 interleaved runs"), md);
    }

    @Test
    void theRangeIsMinMaxUpToEightRunsAndNarrowsFromNineOn() {
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4),
                java.util.stream.IntStream.rangeClosed(2, 15).map(Report.Spread::order).boxed().toList(),
                "k for 2..15 runs: the largest whose [k-th lowest, k-th highest] misses the median with "
                        + "probability 2 * P(Binomial(n, 1/2) < k) <= 1/16");
        Report.Spread five = Report.Spread.of(new double[] {5, 1, 3, 2, 4});
        assertEquals(new Report.Spread(3, 1, 5, 5), five, "over 5 runs the range is min-max");
        Report.Spread nine = Report.Spread.of(new double[] {9, 1, 3, 2, 4, 8, 5, 7, 6});
        assertEquals(new Report.Spread(5, 2, 8, 9), nine, "over 9 runs it is the 2nd lowest to the 2nd highest");
        assertEquals("min-max", Report.Spread.words(8));
        assertEquals("2nd lowest-2nd highest", Report.Spread.words(9));
        assertEquals("3rd lowest-3rd highest", Report.Spread.words(12));
    }

    @Test
    void moreRunsCanResolveWhatOneStrayRunHidFromMinMax() {
        // One stray run each way (a noisy neighbour, a lucky one) makes two min-max ranges overlap;
        // over nine runs the range drops one run at each end, and the two columns come apart.
        double[] a = {10, 10.2, 10.1, 10.3, 10.2, 10.1, 10.0, 10.2, 13};
        double[] b = {12, 12.2, 12.1, 12.3, 12.2, 12.1, 12.0, 12.2, 9};
        assertTrue(Report.Spread.of(a).resolvedFrom(Report.Spread.of(b)));
        double[] a8 = java.util.Arrays.copyOf(a, 8);
        double[] b8 = java.util.Arrays.copyOf(b, 8);
        a8[7] = 13;
        b8[7] = 9;
        assertFalse(Report.Spread.of(a8).resolvedFrom(Report.Spread.of(b8)), "over 8 runs min-max keeps the stray runs");
    }

    @Test
    void theLegendNamesTheRangeItUses() {
        assertTrue(Report.legend(5).startsWith("Each figure: median [min-max] of 5 interleaved runs;"), Report.legend(5));
        assertTrue(Report.legend(9).startsWith("Each figure: median [2nd lowest-2nd highest] of 9 interleaved runs;"),
                Report.legend(9));
        assertTrue(Report.legend(9).contains("probability at least 15/16"), Report.legend(9));
        assertFalse(Report.legend(5).contains("15/16"), Report.legend(5));
    }

    @Test
    void markdownHasOneHeaderRuleAndMarksLossesAndMismatches() {
        StageResult ok = stage("stage0-rwlock", new Counts(10, 10, 0, 0, 10, 10), 0, "none");
        StageResult bad = stage("stage3-lockfree", new Counts(10, 7, 1, 0, 10, 10), 0, "none");
        String md = Report.markdown(List.of(List.of(ok, bad)));
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
        String text = Report.table("t", List.of(List.of(twice)));
        assertTrue(text.contains("! stage3-lockfree: 2 deliveries more than were sent"), text);
    }

    @Test
    void withARouterTheGatewaysAccountAndRedisMemoryIsShown() {
        StageResult joined = stage("stage3-lockfree", new Counts(10, 9, 0, 0, 10, 10), 1, "redis");
        String md = Report.markdown(List.of(List.of(joined)));
        assertTrue(md.contains("| **lost** | **0** |"), "the gateway's drop accounts for the missing one: " + md);
        assertTrue(md.contains("| dropped: answers / gateway | 0 / 1 |"), md);
        assertTrue(md.contains("| Redis per connection (B) | 200 |"), md);
        assertTrue(!md.contains("the answers reported"), "with a router the two counts need not agree");
    }
}
