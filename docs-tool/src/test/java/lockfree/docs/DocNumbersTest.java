package lockfree.docs;

import lockfree.docs.DocNumbers.Allowed;
import lockfree.docs.DocNumbers.Figure;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No measured number is typed by hand into the docs' prose: measured figures are rendered from
 * committed raw results between markers (JMH: {@code Report}, stress and Redis:
 * {@code DocTables}), and the prose around them says what they show without quoting them.
 *
 * <p>A figure {@link DocNumbers} flags fails this test unless {@link #ALLOWED} names it for its
 * doc, with the reason it is not a measurement. Before adding an entry, try the prose without
 * the figure: point at the rendered table instead.
 */
class DocNumbersTest {
    private static final String PLAN = "the plan's prediction (DESIGN.md, from the seed plan), quoted beside the measurement";
    private static final String MIX = "a benchmark workload's share of reads or writes (a parameter)";

    private static final String README = "README.md";
    private static final String BENCH = "docs/BENCHMARKS.md";
    private static final String STRESS = "docs/STRESS.md";
    private static final String REDIS = "docs/REDIS.md";
    private static final String PROTOCOL = "docs/PROTOCOL.md";
    private static final String S0 = "stage0-rwlock/README.md";
    private static final String S1 = "stage1-concurrentmap/README.md";
    private static final String S2 = "stage2-sharded/README.md";
    private static final String S3 = "stage3-lockfree/README.md";

    /**
     * Figures that look measured but are not, each with its source and the docs it may appear in
     * (a figure allowed in one doc is flagged in any other). Keep it short: reword first.
     */
    static final List<Allowed> ALLOWED = List.of(
            new Allowed("2.2 ms", PLAN + ": the Go gateway's latency before", README, BENCH, STRESS, S1, S3),
            new Allowed("0.2-0.3 ms", PLAN + ": the latency after all steps", README, BENCH, STRESS, S3),
            new Allowed("0.2 ms", PLAN + ": the latency after all steps, short form", S3),
            new Allowed("1 ms", "async-profiler's sampling interval (a setting)", STRESS),
            new Allowed("0.8-1.0 ms", PLAN + ": the latency after step 1", S1),
            new Allowed("0.5 ms", PLAN + ": the latency after step 2", S2),
            new Allowed("2-3x", PLAN + ": step 1's throughput", README, S0, S1),
            new Allowed("5-10x", PLAN + ": step 2's throughput", README, S0, S2),
            new Allowed("10-20x", PLAN + ": step 3's throughput", README, S0, S3),
            new Allowed("2-5x", PLAN + ": batching Redis publishes", README, REDIS),
            new Allowed("30-fold", PLAN + ": step 2's lock contention", S2),
            new Allowed("1x", PLAN + ": the baseline column of its table", README),
            new Allowed("10%", PLAN + ": step 1's write latency; also ChurnMemory's growth threshold (a check's limit)",
                    README, S0, S1, S3),
            new Allowed("100%", MIX + "; also the plan's success rate", README, BENCH, STRESS, S0, S1, S2, S3),
            new Allowed("95%", MIX, BENCH, S2),
            new Allowed("90%", MIX, BENCH),
            new Allowed("50%", MIX, BENCH),
            new Allowed("5%", MIX, BENCH, S2),
            new Allowed("0%", MIX, BENCH),
            new Allowed("99.9%", "the confidence level of JMH's error intervals", README, BENCH, S0, S1, S2, S3),
            new Allowed("1 s", "JMH's iteration time as configured; the Redis connector's longest retry delay", BENCH, REDIS),
            new Allowed("200 ms", "jcstress's time per test in its ci mode (a setting)", S0, S1, S2, S3),
            new Allowed("100 ms", "the JMH smoke run's iteration time; the stress coordinator's poll interval (settings)", BENCH, STRESS),
            new Allowed("50 ms", "the Redis connector's first retry delay (a setting)", REDIS),
            new Allowed("2 s", "Lettuce's command timeout as configured", REDIS),
            new Allowed("5s", "a gateway option's default", PROTOCOL),
            new Allowed("10s", "a gateway option's default", PROTOCOL),
            new Allowed("60s", "a gateway or stress option's default", PROTOCOL, STRESS),
            new Allowed("120s", "a stress option's default", STRESS),
            new Allowed("10 s", "the gateway's log-rate interval (a setting)", PROTOCOL),
            new Allowed("60 s", "Redis's default client-output-buffer-limit window", PROTOCOL, REDIS),
            new Allowed("32 MB", "Redis's default client-output-buffer-limit for Pub/Sub", PROTOCOL, REDIS),
            new Allowed("8 MB", "Redis's default client-output-buffer-limit for Pub/Sub, over time", PROTOCOL, REDIS),
            new Allowed("2000 msg/s", "the stress tool's default rate (a setting)", STRESS),
            new Allowed("512 bytes", "JCTools' padding constant of the padded queue, not a measurement", S3),
            new Allowed("4 x", "a limit as a multiple of an option (--max-frame)", PROTOCOL),
            new Allowed("1024 x", "a limit as a multiple of an option (--queue-capacity x --max-frame)", PROTOCOL));

    @Test
    void theDocsProseQuotesNoMeasuredNumberByHand() throws Exception {
        Map<String, List<String>> docs = DocCommandsTest.docs();
        assertFalse(docs.isEmpty(), "found the docs");
        List<Figure> found = DocNumbers.unexplained(docs, ALLOWED);
        assertTrue(found.isEmpty(), found.size() + " figures typed by hand into prose; render them from the raw "
                + "result between markers, or say the finding without the number, or (not a measurement) add "
                + "them to DocNumbersTest.ALLOWED with the reason:\n"
                + found.stream().map(Figure::toString).collect(Collectors.joining("\n")));
    }

    /** Every allow-list entry is still used in each doc it names: a stale entry would let the figure back in unnoticed. */
    @Test
    void everyAllowedFigureIsStillInEachOfItsDocs() throws Exception {
        Map<String, List<String>> docs = DocCommandsTest.docs();
        for (Allowed a : ALLOWED) {
            assertFalse(a.docs().isEmpty(), "an allowed figure names the docs it is allowed in: " + a.figure());
            for (String doc : a.docs()) {
                assertTrue(docs.containsKey(doc), "no such doc: " + doc + " (allowed: " + a.figure() + ")");
                assertTrue(DocNumbers.figures(doc, docs.get(doc)).stream().anyMatch(f -> f.figure().equals(a.figure())),
                        "allowed in " + doc + " but not there any more, drop the doc from its entry: " + a.figure());
            }
            assertFalse(a.reason().isBlank(), "an allowed figure says why: " + a.figure());
        }
    }

    /** The teeth: a hand-typed measurement in prose or pasted output is caught; the same figures rendered, in code, in a transcript's command or allowed are not. */
    @Test
    void aHandTypedMeasurementIsCaughtAndRenderedOrPlanFiguresPass() throws Exception {
        Path fixtures = DocCommandsTest.ROOT.resolve("docs-tool/src/test/resources/numbers");
        List<String> bad = Files.readAllLines(fixtures.resolve("hand-typed.md"));
        List<String> good = Files.readAllLines(fixtures.resolve("rendered.md"));
        List<Allowed> plan = List.of(new Allowed("10-20x", "the plan's prediction (DESIGN.md), not a measurement", "good.md"));

        List<String> caught = DocNumbers.unexplained(Map.of("bad.md", bad), plan).stream().map(Figure::figure).toList();
        assertEquals(List.of("228 ns", "2.3x", "7,017 B", "167,756 /s", "0.19-0.21 ms", "40 %", "×0.11", "2.7 times", "228 ± 91.9",
                        "86 million runs", "190,000 samples", "load average ~18", "3.5 ms", "2508.5 ms"), caught,
                "each hand-typed measurement in the prose, a table row's, one after a stray comment and pasted output included");
        assertEquals(List.of(), DocNumbers.unexplained(Map.of("good.md", good), plan),
                "rendered blocks, code, comments and allowed plan figures pass");
        assertEquals(List.of("10-20x"), DocNumbers.unexplained(Map.of("good.md", good), List.of()).stream().map(Figure::figure).toList(),
                "without its allow-list entry the plan figure is flagged too");
    }

    /**
     * The teeth of the rendered-block rule: a renderer's block (a conclusion sentence among them) is
     * skipped, the same figures between markers of a name no renderer writes are not.
     */
    @Test
    void onlyARenderersBlockIsSkipped() {
        List<String> page = List.of("Prose.", "<!-- jmh-conclusion: bench/compare.json | stage=stage3 vs stage=stage0 -->", "",
                "- Stage 3 58.7 ± 8.97, stage 0 597 ± 126 ns/op. Stage 3 over stage 0: ×0.10 the time per operation.", "",
                "<!-- /jmh-conclusion -->", "<!-- my-summary: typed -->", "Stage 3 took 58.7 ns, 10.2x stage 0.",
                "<!-- /my-summary -->");
        assertEquals(List.of("58.7 ns", "10.2x"), DocNumbers.unexplained(Map.of("page.md", page), List.of()).stream()
                .map(Figure::figure).toList());
    }

    /** The teeth of per-doc exceptions: a figure allowed in one doc is still caught in another. */
    @Test
    void aFigureAllowedInOneDocIsCaughtInAnother() throws Exception {
        Path fixtures = DocCommandsTest.ROOT.resolve("docs-tool/src/test/resources/numbers");
        List<String> good = Files.readAllLines(fixtures.resolve("rendered.md"));
        List<Allowed> onlyElsewhere = List.of(new Allowed("10-20x", "the plan's prediction, in the other doc", "other.md"));
        List<Figure> caught = DocNumbers.unexplained(Map.of("good.md", good), onlyElsewhere);
        assertEquals(List.of("good.md:3: 10-20x"), caught.stream().map(f -> f.doc() + ":" + f.line() + ": " + f.figure()).toList(),
                "the entry names other.md only");
        assertEquals(List.of(), DocNumbers.unexplained(Map.of("other.md", good), onlyElsewhere), "in the doc it names, it passes");
    }

    /**
     * The jcstress tests' header comments say what each test is built to show and point at the
     * chapter's rendered table for what a run saw: they quote no count of runs, no load, no other
     * measured figure. Their comment lines are read like a doc's prose; code lines are not.
     */
    @Test
    void theJcstressTestsCommentsQuoteNoMeasuredFigure() throws Exception {
        Map<String, List<String>> sources = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> stages = Files.list(DocCommandsTest.ROOT)) {
            for (Path stage : stages.filter(d -> d.getFileName().toString().matches("stage\\d+-.*")).toList()) {
                Path dir = stage.resolve("src/test/java/lockfree/" + stage.getFileName().toString().replaceFirst("-.*", "") + "/jcstress");
                if (Files.isDirectory(dir)) {
                    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                            sources.put(DocCommandsTest.ROOT.relativize(f).toString(), commentLines(Files.readAllLines(f)));
                        }
                    }
                }
            }
        }
        assertTrue(sources.size() >= 16, "found the jcstress tests: " + sources.keySet());
        assertEquals(List.of(), DocNumbers.unexplained(sources, List.of()).stream().map(Figure::toString).toList(),
                "point at the chapter's rendered jcstress table instead of quoting a run's figures");

        // The teeth: a count quoted in a header comment is caught; the same digits in code are not.
        List<String> quoted = commentLines(List.of("/*", " * The ci run stranded a message once; mode long stranded 94 in",
                " * 10 million runs; stage 1 runs it too, on remove(1, s).", " */", "@Outcome(id = \"1, 2\", expect = ACCEPTABLE_INTERESTING)", "long runs = 10 runs;"));
        assertEquals(List.of("10 million runs"), DocNumbers.unexplained(Map.of("T.java", quoted), List.of()).stream()
                .map(Figure::figure).toList());
    }

    /** A Java source's comment lines as prose (their text), every other line blank, so line numbers stay. */
    static List<String> commentLines(List<String> lines) {
        return lines.stream().map(l -> {
            String t = l.strip();
            return t.startsWith("*") || t.startsWith("/*") || t.startsWith("//") ? t.replaceFirst("^(/\\*+|\\*+/?|//)\\s?", "") : "";
        }).toList();
    }
}
