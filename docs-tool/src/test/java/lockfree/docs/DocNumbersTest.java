package lockfree.docs;

import lockfree.docs.DocNumbers.Constant;
import lockfree.docs.DocNumbers.Figure;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static lockfree.docs.DocNumbers.Source.PLAN;
import static lockfree.docs.DocNumbers.Source.RFC;
import static lockfree.docs.DocNumbers.Source.SETTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The numbers rule: a figure in a doc's prose comes from a rendered block (JMH: {@code Report},
 * stress and Redis: {@code DocTables}) or is a constant listed in {@link #CONSTANTS} for its doc,
 * with its source (the plan, an RFC or a tool's documented value, or a setting of this project).
 * Anything else {@link DocNumbers} flags is a measurement typed by hand, and fails the test. Before
 * adding a constant, try the prose without the figure: point at the rendered table instead.
 */
class DocNumbersTest {
    private static final String README = "README.md";
    private static final String BENCH = "docs/BENCHMARKS.md";
    private static final String STRESS = "docs/STRESS.md";
    private static final String REDIS = "docs/REDIS.md";
    private static final String PROTOCOL = "docs/PROTOCOL.md";
    private static final String S0 = "stage0-rwlock/README.md";
    private static final String S1 = "stage1-concurrentmap/README.md";
    private static final String S2 = "stage2-sharded/README.md";
    private static final String S3 = "stage3-lockfree/README.md";

    private static final String MIX = "a benchmark workload's share of reads or writes (its readPercent parameter)";

    /** Every constant the docs' prose may quote, its source, and the docs it may appear in (elsewhere it is flagged). */
    static final List<Constant> CONSTANTS = List.of(
            new Constant("2.2 ms", PLAN, "the Go gateway's latency before", README, BENCH, STRESS, S1, S3),
            new Constant("0.2-0.3 ms", PLAN, "the latency after all steps", README, BENCH, STRESS, S3),
            new Constant("0.2 ms", PLAN, "the latency after all steps, short form", S3),
            new Constant("0.8-1.0 ms", PLAN, "the latency after step 1", S1),
            new Constant("0.5 ms", PLAN, "the latency after step 2", S2),
            new Constant("2-3x", PLAN, "step 1's throughput", README, S0, S1),
            new Constant("5-10x", PLAN, "step 2's throughput", README, S0, S2),
            new Constant("10-20x", PLAN, "step 3's throughput", README, S0, S3),
            new Constant("2-5x", PLAN, "batching Redis publishes", README, REDIS),
            new Constant("30-fold", PLAN, "step 2's lock contention", S2),
            new Constant("1x", PLAN, "the baseline column of its table", README),
            new Constant("10%", PLAN, "step 1's write latency; also ChurnMemory's growth bound", README, S0, S1, S3),
            new Constant("100%", PLAN, "the plan's success rate; also a workload's " + MIX, README, BENCH, STRESS, S0, S1, S2, S3),
            new Constant("95%", SETTING, MIX, BENCH, S2),
            new Constant("90%", SETTING, MIX, BENCH),
            new Constant("50%", SETTING, MIX, BENCH),
            new Constant("5%", SETTING, MIX, BENCH, S2),
            new Constant("0%", SETTING, MIX, BENCH),
            new Constant("99.9%", RFC, "the confidence level of JMH's error intervals", README, BENCH, S0, S1, S2, S3),
            new Constant("512 bytes", RFC, "JCTools' padding of the padded queue", S3),
            new Constant("32 MB", RFC, "Redis's default client-output-buffer-limit for Pub/Sub", PROTOCOL, REDIS),
            new Constant("8 MB", RFC, "Redis's default client-output-buffer-limit for Pub/Sub, over time", PROTOCOL, REDIS),
            new Constant("60 s", RFC, "Redis's default client-output-buffer-limit window", PROTOCOL, REDIS),
            new Constant("2 s", SETTING, "Lettuce's command timeout as the router configures it", REDIS),
            new Constant("50 ms", SETTING, "the Redis connector's first retry delay", REDIS),
            new Constant("1 s", SETTING, "JMH's iteration time in ./bench.sh all; the Redis connector's longest retry delay", BENCH, REDIS),
            new Constant("200 ms", SETTING, "jcstress's time per test in its ci mode", S0, S1, S2, S3),
            new Constant("100 ms", SETTING, "the JMH smoke run's iteration time; the stress coordinator's poll interval", BENCH, STRESS),
            new Constant("1 ms", SETTING, "async-profiler's sampling interval in the stress tool's profile mode", STRESS),
            new Constant("1.3x", SETTING, "the stages' bound on CPU per delivery beside the limit's (StressTargets)", STRESS),
            new Constant("10 s", SETTING, "the gateway's log-rate interval", PROTOCOL),
            new Constant("4 x", SETTING, "a limit as a multiple of an option (--max-frame)", PROTOCOL),
            new Constant("1024 x", SETTING, "a limit as a multiple of an option (--queue-capacity x --max-frame)", PROTOCOL));

    @Test
    void theDocsProseQuotesNoMeasuredNumberByHand() throws Exception {
        Map<String, List<String>> docs = DocCommandsTest.docs();
        assertFalse(docs.isEmpty(), "found the docs");
        List<Figure> found = DocNumbers.unexplained(docs, CONSTANTS);
        assertTrue(found.isEmpty(), found.size() + " figures typed by hand into prose; render them from the raw "
                + "result between markers, or say the finding without the number, or (a constant, not a measurement) "
                + "add them to DocNumbersTest.CONSTANTS with their source:\n"
                + found.stream().map(Figure::toString).collect(Collectors.joining("\n")));
    }

    /** Every constant is still in each doc it names, once only: a stale entry would let the figure back in unnoticed. */
    @Test
    void everyConstantIsStillInEachOfItsDocs() throws Exception {
        Map<String, List<String>> docs = DocCommandsTest.docs();
        for (Constant c : CONSTANTS) {
            assertFalse(c.docs().isEmpty(), "a constant names the docs it is allowed in: " + c.figure());
            for (String doc : c.docs()) {
                assertTrue(docs.containsKey(doc), "no such doc: " + doc + " (constant: " + c.figure() + ")");
                assertTrue(DocNumbers.figures(doc, docs.get(doc)).stream().anyMatch(f -> f.figure().equals(c.figure())),
                        "a constant of " + doc + " but not there any more, drop the doc from its entry: " + c.figure());
            }
            assertFalse(c.what().isBlank(), "a constant says what it is: " + c.figure());
            assertEquals(1, CONSTANTS.stream().filter(o -> o.figure().equals(c.figure())).count(), "listed once: " + c.figure());
        }
    }

    /** The teeth: a hand-typed measurement in prose or pasted output is caught; the same figures rendered, in code, in a transcript's command or allowed are not. */
    @Test
    void aHandTypedMeasurementIsCaughtAndRenderedOrPlanFiguresPass() throws Exception {
        Path fixtures = DocCommandsTest.ROOT.resolve("docs-tool/src/test/resources/numbers");
        List<String> bad = Files.readAllLines(fixtures.resolve("hand-typed.md"));
        List<String> good = Files.readAllLines(fixtures.resolve("rendered.md"));
        List<Constant> plan = List.of(new Constant("10-20x", PLAN, "step 3's throughput", "good.md"));

        List<String> caught = DocNumbers.unexplained(Map.of("bad.md", bad), plan).stream().map(Figure::figure).toList();
        assertEquals(List.of("228 ns", "2.3x", "7,017 B", "167,756 /s", "0.19-0.21 ms", "40 %", "×0.11", "2.7 times", "228 ± 91.9",
                        "86 million runs", "190,000 samples", "load average ~18", "3.5 ms", "2508.5 ms"), caught,
                "each hand-typed measurement in the prose, a table row's, one after a stray comment and pasted output included");
        assertEquals(List.of(), DocNumbers.unexplained(Map.of("good.md", good), plan),
                "rendered blocks, code, comments and the plan's constants pass");
        assertEquals(List.of("10-20x"), DocNumbers.unexplained(Map.of("good.md", good), List.of()).stream().map(Figure::figure).toList(),
                "not listed as a constant, the plan's figure is flagged too");
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

    /** The teeth of per-doc constants: a figure listed for one doc is still caught in another. */
    @Test
    void aFigureAllowedInOneDocIsCaughtInAnother() throws Exception {
        Path fixtures = DocCommandsTest.ROOT.resolve("docs-tool/src/test/resources/numbers");
        List<String> good = Files.readAllLines(fixtures.resolve("rendered.md"));
        List<Constant> onlyElsewhere = List.of(new Constant("10-20x", PLAN, "step 3's throughput, in the other doc", "other.md"));
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
