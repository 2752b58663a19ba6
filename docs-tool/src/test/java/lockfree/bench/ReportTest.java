package lockfree.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Report's rule for what counts as a difference, and where the limit is shown. */
class ReportTest {

    private static final String TABLE = "lockfree.bench.AllStages_01_SessionTable.getByUserIdMix";
    private static final Path FIXTURES = Path.of("src/test/resources/compare");

    private static JmhResults.Row row(String stage, int threads, double score, double error, double... forkMeans) {
        return new JmhResults.Row(TABLE, threads, Map.of("stage", stage, "readPercent", "100", "users", "100000"),
                score, error, "ns/op", forkMeans);
    }

    @Test
    void aResultWhoseErrorExceedsItsScoreIsNotResolvedAndRanksNothing() {
        JmhResults.Row noisy = row("stage0", 1, 740, 1533, 300, 1200);
        JmhResults.Row clear = row("stage1", 1, 100, 5, 98, 102);
        assertFalse(noisy.resolved());
        assertEquals("n.r. (740 ± 1533)", Resolution.cell(noisy));
        assertEquals("n.r.", Resolution.timeRatio(clear, noisy));
        assertEquals("n.r.", Resolution.timeRatio(noisy, clear));
    }

    @Test
    void oneSampleHasNoIntervalAndIsNotResolved() {
        assertFalse(row("stage0", 1, 100, Double.NaN, 100).resolved());
    }

    @Test
    void aRatioIsPlainOnlyWhenIntervalsAndForkRangesAreApart() {
        JmhResults.Row base = row("stage0", 1, 200, 10, 195, 205);
        JmhResults.Row apart = row("stage1", 1, 100, 10, 97, 103);
        JmhResults.Row overlapping = row("stage2", 1, 185, 10, 180, 190);
        // Intervals apart (100 ± 4 against 200 ± 10), but one fork of each lies in the other's range.
        JmhResults.Row forksOverlap = row("stage3", 1, 100, 4, 60, 210);
        assertEquals("×0.50", Resolution.timeRatio(apart, base));
        assertEquals("×0.93 n.r.", Resolution.timeRatio(overlapping, base));
        assertEquals("×0.50 n.r.", Resolution.timeRatio(forksOverlap, base));
        assertTrue(Resolution.apart(base, apart) && Resolution.apart(apart, base));
    }

    /**
     * BENCHMARKS.md's compare block rendered from a committed JMH JSON fixture (src/test/resources/compare):
     * made-up results, not measurements, chosen so that each rule is exercised at its edge.
     */
    private static String compareBlock(String fixture) throws IOException {
        return Report.compareBlock(FIXTURES.resolve(fixture), fixture);
    }

    @Test
    void theLimitIsComparedAtOneThreadAndMarkedOneThreadOnlyAbove() throws IOException {
        String tables = compareBlock("limit.json");
        assertTrue(tables.contains("| 100% | 1 | 200 ± 10.0 (lim ×8.00) | - | - | 50.0 ± 2.00 (×0.25; lim ×2.00) | - | 25.0 ± 1.00 (×0.13) |"),
                tables);
        assertTrue(tables.contains("| 100% | 2 | 200 ± 10.0 | - | - | 50.0 ± 2.00 (×0.25) | - | 1 thread only |"), tables);
    }

    @Test
    void stage3sTwoChangesAreSplitThroughTheBoxedTable() throws IOException {
        String tables = compareBlock("boxed.json");
        assertTrue(tables.contains("| 1 | 100 ± 5.00 (×0.50; lim ×5.00) | 80.0 ± 4.00 (×0.40; lim ×4.00) "
                + "| 40.0 ± 2.00 (×0.20; lim ×2.00) | ×0.80 | ×0.50 | 20.0 ± 1.00 |"), tables);
    }

    @Test
    void aResultFromBeforeTheLimitRendersWithEmptyColumns() throws IOException {
        String tables = compareBlock("before-the-limit.json");
        assertTrue(tables.contains("| 100% | 1 | 200 ± 10.0 | 100 ± 10.0 (×0.50) | - | - | - | - |"), tables);
    }

    @Test
    void theTablesGoBetweenTheMarkersAndNowhereElse() {
        String doc = "intro\n" + Report.BEGIN + "\nold\n" + Report.END + "\nafter\n";
        String updated = Report.replaceBetweenMarkers(doc, "new\n");
        assertEquals("intro\n" + Report.BEGIN + "\nnew\n" + Report.END + "\nafter\n", updated);
        assertEquals("new\n", Report.betweenMarkers(updated));
        assertThrows(IllegalArgumentException.class, () -> Report.replaceBetweenMarkers("no markers", "x"));
    }

    /*
     * targets.json: each verdict's rule exercised exactly at its edge, with fork ranges inside the
     * interval. Stage 3 over stage 1 at 0% reads, 1 thread (400 ± 10 over 500 ± 10): met, the worst
     * case 410/490 is within 1; over stage 0 at 95% reads, 2 threads (300 ± 10 over 1000 ± 50):
     * missed, the best case 290/1050 is above 0.1; over the limit at 100% reads (140 ± 10 over
     * 100 ± 30): n.r., 130/130 to 150/70 straddles 1.5.
     */
    @Test
    void aTargetIsMetOnlyWhenTheWorstCaseMeetsItAndMissedOnlyWhenTheBestCaseMisses() throws IOException {
        String tables = compareBlock("targets.json");
        assertTrue(tables.contains("| stage 3 / stage 1, 0% reads, 1 thr | ×0.80 (×0.76-×0.84) | ×1.00 | met |"), tables);
        assertTrue(tables.contains("| stage 3 / stage 0, 95% reads, 2 thr | ×0.30 (×0.28-×0.33) | ×0.10 | missed |"), tables);
        assertTrue(tables.contains("| stage 3 / limit, 100% reads, 1 thr | ×1.40 (×1.00-×2.14) | ×1.50 | n.r. |"), tables);
        assertTrue(tables.contains("| stage 3 / stage 2, 0% reads, 2 thr | - | ×1.00 | not in this run |"), tables);
    }

    /** The footprint table's caption comes from QueueFootprint's output: the first JDK's section, the header's command. */
    @Test
    void aFootprintRunIsReadFromItsOutput() {
        List<String> out = List.of(
                "# Command (from the repository root):",
                "#   ./mvnw -q -pl stage3-lockfree -am test-compile",
                "#   java -cp a:b \\",
                "#       lockfree.stage3.bench.QueueFootprint",
                "#",
                "# ---- JDK 17 ----",
                "# 2026-11-24T04:23:19Z",
                "# OpenJDK 64-Bit Server VM 17.0.15+6, 2 cpus, max heap 6028 MiB",
                "stage  queue  empty  after burst  full",
                "# 2027-01-01T00:00:00Z",
                "# OpenJDK 64-Bit Server VM 25.0.3+9-LTS, 4 cpus, max heap 6028 MiB");
        assertEquals(new Captions.Run("java -cp a:b lockfree.stage3.bench.QueueFootprint", "2 cores",
                "OpenJDK 64-Bit Server VM 17.0.15+6", "2026-11-24 04:23 UTC"), Captions.footprintRun(out));
        assertEquals(new Captions.Run(Captions.NOT_RECORDED, Captions.NOT_RECORDED, Captions.NOT_RECORDED, Captions.NOT_RECORDED),
                Captions.footprintRun(List.of("stage  queue  empty")), "what the output does not say is not recorded");
    }

    /** A chapter's JMH table explains "n.r." only when one of its cells is n.r.: a legend for nothing misleads. */
    @Test
    void theNrLegendAppearsOnlyUnderATableWithAnNrCell() {
        Captions.Run run = new Captions.Run("./bench.sh stage9", "2 cores", "JDK", "2026-12-01 10:00 UTC");
        JmhResults.Row narrow = new JmhResults.Row("x.Bench.m", 1, Map.of("p", "1"), 20, 1, "ns/op", new double[] {20, 20});
        JmhResults.Row wide = new JmhResults.Row("x.Bench.m", 1, Map.of("p", "2"), 20, 25, "ns/op", new double[] {10, 30});
        String resolved = RawTables.jmhTable(List.of(narrow), List.of("a.json"), List.of(run));
        assertFalse(resolved.contains("n.r."), resolved);
        assertTrue(resolved.contains("\nRendered by `./bench.sh report`.\n"), resolved);
        String withNr = RawTables.jmhTable(List.of(narrow, wide), List.of("a.json"), List.of(run));
        assertTrue(withNr.contains("| n.r. (20.0 ± 25.0) ns/op |") && withNr.contains("n.r.: not resolved, the interval is as wide "
                + "as the score."), withNr);
    }
}
