package lockfree.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        String doc = Files.readString(DOCS.resolve("BENCHMARKS.md"));
        assertEquals(Report.compareBlock(DOCS.resolve("bench/compare.json"), "bench/compare.json"), Report.betweenMarkers(doc),
                "docs/BENCHMARKS.md's tables differ from docs/bench/compare.json: run ./bench.sh report");
    }

    @Test
    void theRenderedTablesHaveTheLimitColumns() throws Exception {
        String tables = new CompareTables(JmhResults.read(DOCS.resolve("bench/compare.json"))).tables();
        assertTrue(tables.contains("| stage 3 boxed | limit |"), "session table: stage3-boxed and limit columns");
        assertTrue(tables.contains("| stage 3 | limit |\n"), "send queue and predictions: a limit column");
        assertTrue(tables.contains("### Stage 3's two changes, one at a time"), "the boxing split");
    }

    /** The pages that may hold rendered JMH, churn, footprint or jcstress tables: README.md, the chapters, docs/*.md. */
    static java.util.Map<String, Path> pages() throws java.io.IOException {
        java.util.Map<String, Path> pages = new java.util.TreeMap<>();
        Path root = Path.of("..");
        pages.put("README.md", root.resolve("README.md"));
        try (java.util.stream.Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> d.getFileName().toString().matches("stage\\d+-.*")).map(d -> d.resolve("README.md"))
                    .filter(Files::isRegularFile).forEach(p -> pages.put(root.relativize(p).toString(), p));
        }
        try (java.util.stream.Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(d -> d.toString().endsWith(".md")).forEach(p -> pages.put("docs/" + p.getFileName(), p));
        }
        return pages;
    }

    /**
     * Every rendered table of every page says which run it comes from: one caption line per raw
     * file (command, machine, JDK, date), as Report renders it from that file; and every committed
     * JMH JSON a page renders has the run log that records its command.
     */
    @Test
    void everyRenderedTableCarriesTheCaptionOfItsRawResult() throws Exception {
        List<String> problems = new ArrayList<>();
        int blocks = 0;
        for (java.util.Map.Entry<String, Path> page : pages().entrySet()) {
            String doc = Files.readString(page.getValue());
            Path dir = page.getValue().getParent();
            problems.addAll(Captions.problems(page.getKey(), doc, dir));
            java.util.regex.Matcher m = RawTables.JMH_TABLE.matcher(doc);
            while (m.find()) {
                blocks++;
                for (String f : m.group(2).trim().split("\\s+")) {
                    if (!Files.exists(RunLog.runLogOf(dir.resolve(f)))
                            || Captions.jmhRun(dir.resolve(f)).command().equals(Captions.NOT_RECORDED)) {
                        problems.add(page.getKey() + ": " + f + " has no run log with its command ("
                                + RunLog.runLogOf(Path.of(f)) + "; bench.sh writes it for -rff)");
                    }
                }
            }
            blocks += doc.contains(Report.BEGIN) ? 1 : 0;
        }
        assertTrue(blocks >= 5, "found the rendered tables: " + blocks);
        assertEquals(List.of(), problems);
    }

    /** The caption check's teeth: a table without its caption, a caption edited by hand, a raw file that changed. */
    @Test
    void aMissingOrWrongCaptionIsCaught(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path json = dir.resolve("drain.json");
        Files.copy(DOCS.resolve("bench/stage3-drain.json"), json);
        Files.writeString(RunLog.runLogOf(json), "command  ./bench.sh stage3 Stage3_03 -rf json -rff drain.json\n"
                + "started  2026-11-27T20:16:20.779Z\njava     OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1\ncpus     2 (AMD EPYC)\n");
        String rendered = RawTables.renderJmhTables("<!-- jmh-table: drain.json -->\n<!-- /jmh-table -->\n", dir);
        String caption = "Run of [drain.json](drain.json): `./bench.sh stage3 Stage3_03 -rf json -rff drain.json`; machine: 2 cores "
                + "(AMD EPYC); JDK: OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1; date: 2026-11-27 20:16 UTC.";
        assertTrue(rendered.contains(caption + "\n"), rendered);
        assertEquals(List.of(), Captions.problems("page.md", rendered, dir), "the rendered table passes");

        List<String> missing = Captions.problems("page.md", rendered.replace(caption + "\n", ""), dir);
        assertEquals(1, missing.size(), missing.toString());
        assertTrue(missing.get(0).startsWith("page.md: jmh-table drain.json: no caption line"), missing.get(0));

        List<String> edited = Captions.problems("page.md", rendered.replace("date: 2026-11-27 20:16", "date: 2026-11-28 20:16"), dir);
        assertTrue(edited.size() == 1 && edited.get(0).contains("disagrees with the raw file"), edited.toString());

        Files.writeString(json, Files.readString(json).replace("17.0.15+6-Debian-1deb12u1", "21.0.1+12"));
        Files.writeString(RunLog.runLogOf(json), Files.readString(RunLog.runLogOf(json)).replace("17.0.15+6-Debian-1deb12u1", "21.0.1+12"));
        List<String> changed = Captions.problems("page.md", rendered, dir);
        assertTrue(changed.size() == 1 && changed.get(0).contains("disagrees"), "a re-run on another JDK: " + changed);

        Files.writeString(RunLog.runLogOf(json), Files.readString(RunLog.runLogOf(json)).replace("21.0.1+12", "25.0.3+9-LTS"));
        assertThrows(java.io.IOException.class, () -> Captions.jmhRun(json), "a run log from another run than the JSON");

        String churn = "<!-- churn-table: churn.json -->\n<!-- /churn-table -->\n";
        Files.copy(DOCS.resolve("bench/churn-memory.json"), dir.resolve("churn.json"));
        String churnRendered = RawTables.renderChurnTables(churn, dir);
        assertTrue(churnRendered.contains("Run of [churn.json](churn.json): `./bench.sh churn 1000000 10000`; machine: 2 cores; JDK: "),
                churnRendered);
        String withoutCaption = churnRendered.lines().filter(l -> !l.startsWith("Run of ")).collect(java.util.stream.Collectors.joining("\n"));
        assertEquals(1, Captions.problems("page.md", withoutCaption, dir).size(), "a churn table without its caption");
    }

    /** The chapters' own JMH tables are their raw JSON rendered: a hand edit or a new JSON without a re-render fails. */
    @Test
    void theChaptersJmhTablesAreRenderedFromTheirJson() throws Exception {
        for (java.util.Map.Entry<String, Path> p : pages().entrySet()) {
            String doc = Files.readString(p.getValue());
            assertEquals(doc, Report.renderPage(doc, p.getValue().getParent()),
                    p.getKey() + "'s JMH, churn, footprint or jcstress tables differ from their raw results: run ./bench.sh report");
        }
        for (String chapter : new String[] {"stage2-sharded/README.md", "stage3-lockfree/README.md"}) {
            String doc = Files.readString(Path.of("..", chapter));
            assertTrue(RawTables.JMH_TABLE.matcher(doc).find(), chapter + " marks its JMH tables");
        }
        assertTrue(RawTables.FOOTPRINT_TABLE.matcher(Files.readString(Path.of("..", "stage3-lockfree/README.md"))).find(),
                "stage 3's chapter marks its queue-footprint table");
        // Every chapter and the benchmarks page draw their conclusion in rendered sentences, not in prose.
        for (String page : new String[] {"stage0-rwlock/README.md", "stage1-concurrentmap/README.md", "stage2-sharded/README.md",
                "stage3-lockfree/README.md", "docs/BENCHMARKS.md"}) {
            java.util.regex.Matcher m = Conclusions.MARKER.matcher(Files.readString(Path.of("..", page)));
            assertTrue(m.find() && m.group(4).contains(" over "), page + " renders its conclusion (<!-- jmh-conclusion: ... -->)");
        }
    }

    /** The footprint table's teeth: its rows are the raw output's, and a changed size changes it. */
    @Test
    void theFootprintTableFollowsItsRawOutput(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path txt = dir.resolve("fp.txt");
        Files.copy(Path.of("..", "stage3-lockfree/docs/queue-footprint.txt"), txt);
        String page = "<!-- footprint-table: fp.txt -->\n<!-- /footprint-table -->\n";
        String rendered = RawTables.renderFootprintTables(page, dir);
        assertTrue(rendered.contains("| 0 | ArrayBlockingQueue(1024) | 4256 | 4256 | 4256 |"), rendered);
        assertTrue(rendered.contains("| 3 | MpscSendQueue(1024), whole object | 208 | 208 | 6208 |"), rendered);
        Files.writeString(txt, Files.readString(txt).replaceFirst("(MpscSendQueue\\(1024\\), whole object\\s+)208", "$1216"));
        assertTrue(RawTables.renderFootprintTables(rendered, dir).contains("| 3 | MpscSendQueue(1024), whole object | 216 | 208 | 6208 |"),
                "a changed size changes the table");
    }

    /** The teeth: a score edited by hand is restored, and a changed result changes the table. */
    @Test
    void aChapterTableFollowsItsJson(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path json = dir.resolve("drain.json");
        Files.copy(DOCS.resolve("bench/stage3-drain.json"), json);
        String page = "<!-- jmh-table: drain.json -->\n<!-- /jmh-table -->\n";
        String rendered = RawTables.renderJmhTables(page, dir);
        assertTrue(rendered.contains("| Stage3_03_BatchedDrain.oneProducer | drain=batched, flushCost=0 | 1 | "), rendered);
        String first = rendered.lines().filter(l -> l.startsWith("| Stage3_03_BatchedDrain.oneProducer | drain=batched, flushCost=0 |"))
                .findFirst().orElseThrow();
        String edited = rendered.replace(first, first.replaceFirst("\\| 1 \\| .*", "| 1 | 99.0 ± 1.00 ops/us |"));
        assertEquals(rendered, RawTables.renderJmhTables(edited, dir), "rendering restores the JSON's score");

        com.fasterxml.jackson.databind.node.ArrayNode results =
                (com.fasterxml.jackson.databind.node.ArrayNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode metric = (com.fasterxml.jackson.databind.node.ObjectNode) results.get(0).get("primaryMetric");
        metric.put("score", 42.0);
        metric.put("scoreError", 0.5);
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(json.toFile(), results);
        assertTrue(RawTables.renderJmhTables(rendered, dir).contains("| 1 | 42.0 ± 0.50 ops/us |"), "a changed result changes the table");
    }
}
