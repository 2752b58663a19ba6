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

    /** The chapters' own JMH tables are their raw JSON rendered: a hand edit or a new JSON without a re-render fails. */
    @Test
    void theChaptersJmhTablesAreRenderedFromTheirJson() throws Exception {
        for (String chapter : new String[] {"stage2-sharded/README.md", "stage3-lockfree/README.md"}) {
            Path page = Path.of("..", chapter);
            String doc = Files.readString(page);
            assertTrue(Report.JMH_TABLE.matcher(doc).find(), chapter + " marks its JMH tables");
            assertEquals(doc, Report.renderPage(doc, page.getParent()),
                    chapter + "'s JMH or footprint tables differ from their raw results: run ./bench.sh report");
        }
        assertTrue(Report.FOOTPRINT_TABLE.matcher(Files.readString(Path.of("..", "stage3-lockfree/README.md"))).find(),
                "stage 3's chapter marks its queue-footprint table");
    }

    /** The footprint table's teeth: its rows are the raw output's, and a changed size changes it. */
    @Test
    void theFootprintTableFollowsItsRawOutput(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path txt = dir.resolve("fp.txt");
        Files.copy(Path.of("..", "stage3-lockfree/docs/queue-footprint.txt"), txt);
        String page = "<!-- footprint-table: fp.txt -->\n<!-- /footprint-table -->\n";
        String rendered = Report.renderFootprintTables(page, dir);
        assertTrue(rendered.contains("| 0 | ArrayBlockingQueue(1024) | 4256 | 4256 | 4256 |"), rendered);
        assertTrue(rendered.contains("| 3 | MpscSendQueue(1024), whole object | 208 | 208 | 6208 |"), rendered);
        Files.writeString(txt, Files.readString(txt).replaceFirst("(MpscSendQueue\\(1024\\), whole object\\s+)208", "$1216"));
        assertTrue(Report.renderFootprintTables(rendered, dir).contains("| 3 | MpscSendQueue(1024), whole object | 216 | 208 | 6208 |"),
                "a changed size changes the table");
    }

    /** The teeth: a score edited by hand is restored, and a changed result changes the table. */
    @Test
    void aChapterTableFollowsItsJson(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path json = dir.resolve("drain.json");
        Files.copy(DOCS.resolve("bench/stage3-drain.json"), json);
        String page = "<!-- jmh-table: drain.json -->\n<!-- /jmh-table -->\n";
        String rendered = Report.renderJmhTables(page, dir);
        assertTrue(rendered.contains("| Stage3_03_BatchedDrain.oneProducer | drain=batched, flushCost=0 | 1 | "), rendered);
        String first = rendered.lines().filter(l -> l.startsWith("| Stage3_03_BatchedDrain.oneProducer | drain=batched, flushCost=0 |"))
                .findFirst().orElseThrow();
        String edited = rendered.replace(first, first.replaceFirst("\\| 1 \\| .*", "| 1 | 99.0 ± 1.00 ops/us |"));
        assertEquals(rendered, Report.renderJmhTables(edited, dir), "rendering restores the JSON's score");

        com.fasterxml.jackson.databind.node.ArrayNode results =
                (com.fasterxml.jackson.databind.node.ArrayNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode metric = (com.fasterxml.jackson.databind.node.ObjectNode) results.get(0).get("primaryMetric");
        metric.put("score", 42.0);
        metric.put("scoreError", 0.5);
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(json.toFile(), results);
        assertTrue(Report.renderJmhTables(rendered, dir).contains("| 1 | 42.0 ± 0.50 ops/us |"), "a changed result changes the table");
    }
}
