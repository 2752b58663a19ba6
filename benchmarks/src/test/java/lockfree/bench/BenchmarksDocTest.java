package lockfree.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tables of docs/BENCHMARKS.md are what {@link Report} renders from the committed
 * docs/bench/compare.json, character for character: a hand edit of a number, a new JSON without
 * {@code ./bench.sh report}, or a change to Report without re-rendering fails here.
 */
class BenchmarksDocTest {

    /* Surefire runs in the module's directory; the docs are the repository's. */
    private static final Path DOCS = Path.of("..", "docs");

    @Test
    void theTablesInBenchmarksMdAreRenderedFromCompareJson() throws Exception {
        Report report = Report.read(DOCS.resolve("bench/compare.json"));
        String doc = Files.readString(DOCS.resolve("BENCHMARKS.md"));
        assertEquals(report.tables(), Report.betweenMarkers(doc),
                "docs/BENCHMARKS.md's tables differ from docs/bench/compare.json: run ./bench.sh report");
    }

    @Test
    void theRenderedTablesHaveTheLimitColumns() throws Exception {
        String tables = Report.read(DOCS.resolve("bench/compare.json")).tables();
        assertTrue(tables.contains("| stage 3 boxed | limit |"), "session table: stage3-boxed and limit columns");
        assertTrue(tables.contains("| stage 3 | limit |\n"), "send queue and predictions: a limit column");
        assertTrue(tables.contains("### Stage 3's two changes, one at a time"), "the boxing split");
    }
}
