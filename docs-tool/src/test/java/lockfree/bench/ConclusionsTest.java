package lockfree.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chapter's conclusion sentences are rendered from the raw JSON ({@link Conclusions}): the
 * number, the ratio and the word "resolved" all come from the file, and follow it when it changes.
 */
class ConclusionsTest {
    private static final Path COMPARE = Path.of("..", "docs", "bench", "compare.json");
    private static final String PAGE = "Before.\n\n<!-- jmh-conclusion: run.json | stage=stage3,readPercent=95,threads=2 vs "
            + "stage=stage0,readPercent=95,threads=2 -->\n<!-- /jmh-conclusion -->\n\nAfter.\n";

    private static JmhResults.Row row(String method, int threads, double score, double error, String unit, double... forks) {
        return new JmhResults.Row("lockfree.bench.X." + method, threads, Map.of(), score, error, unit, forks);
    }

    @Test
    void aResolvedDifferenceIsCalledWithItsNumbers() {
        String s = Conclusions.sentence(Map.of("stage", "stage3"), row("m", 2, 50, 5, "ns/op", 48, 52),
                Map.of("stage", "stage0"), row("m", 2, 500, 50, "ns/op", 480, 520));
        assertEquals("Stage 3 50.0 ± 5.00, stage 0 500 ± 50.0 ns/op. Stage 3 over stage 0: ×0.10 the time per operation, "
                + "10.00x the operations completed; resolved: the 99.9% intervals and the ranges of fork means are apart.", s);
    }

    @Test
    void anOverlapIsNotResolvedAndSaysWhatWould() {
        String intervals = Conclusions.sentence(Map.of("shards", "32"), row("m", 1, 100, 30, "ns/op", 99, 101),
                Map.of("shards", "1"), row("m", 1, 120, 30, "ns/op", 119, 121));
        assertTrue(intervals.endsWith("; not resolved: the 99.9% intervals overlap, so this run ranks neither; more forks on a "
                + "quiet machine would narrow the intervals."), intervals);
        // Intervals apart, fork means not: JMH's interval pools the forks' iterations, the forks are the repeats.
        String forks = Conclusions.sentence(Map.of("shards", "32"), row("m", 2, 100, 1, "ns/op", 90, 130),
                Map.of("shards", "1"), row("m", 2, 120, 1, "ns/op", 110, 125));
        assertTrue(forks.contains("not resolved: the ranges of fork means overlap"), forks);
        assertTrue(forks.endsWith("and more cores would give contention more room to show."), "two threads contend: " + forks);
        String wide = Conclusions.sentence(Map.of("drain", "batched"), row("m", 3, 15, 16, "ops/us", 5, 25),
                Map.of("drain", "perMessage"), row("m", 3, 7, 1, "ops/us", 6, 8));
        assertTrue(wide.contains("n.r. (15.0 ± 16.0)") && wide.contains("Not resolved: `drain=batched`'s 99.9% interval is as wide "
                + "as its score, so no ratio is taken"), wide);
    }

    @Test
    void aThroughputIsComparedAsThroughputAndUnequalThreadsOnlyAsTime() {
        String t = Conclusions.sentence(Map.of("stage", "stage3"), row("m", 1, 9, 1, "ops/us", 9, 9),
                Map.of("stage", "stage0"), row("m", 1, 3, 0.5, "ops/us", 3, 3));
        assertTrue(t.contains("Stage 3 over stage 0: 3.00x the throughput; resolved"), t);
        String threads = Conclusions.sentence(Map.of("threads", "2"), row("m", 2, 400, 10, "ns/op", 400, 401),
                Map.of("threads", "1"), row("m", 1, 100, 10, "ns/op", 100, 101));
        assertTrue(threads.contains("2 threads over 1 thread: ×4.00 the time per operation; resolved"),
                "per-thread times at unequal threads say nothing of operations completed: " + threads);
    }

    /** The teeth: a hand-edited number or verdict is restored, and a changed result changes the sentence. */
    @Test
    void aSentenceFollowsItsJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("run.json");
        Files.copy(COMPARE, json);
        String rendered = Conclusions.render(PAGE, dir);
        assertTrue(rendered.contains("- 95% reads, 2 threads: stage 3 58.7 ± 8.97, stage 0 597 ± 126 ns/op. Stage 3 over stage 0: "
                + "×0.10 the time per operation, 10.17x the operations completed; resolved"), rendered);
        assertEquals(rendered, Report.renderPage(rendered, dir), "stable, and part of every page's rendering");
        for (String edited : List.of(rendered.replace("10.17x", "12.00x"), rendered.replace("; resolved:", "; clearly resolved:"),
                rendered.replace("stage 0 597 ± 126", "stage 0 600 ± 126"))) {
            assertNotEquals(rendered, edited);
            assertEquals(rendered, Report.renderPage(edited, dir), "rendering restores the JSON's sentence");
        }

        ArrayNode results = (ArrayNode) new ObjectMapper().readTree(json.toFile());
        for (int i = 0; i < results.size(); i++) {
            ObjectNode r = (ObjectNode) results.get(i);
            if (r.path("params").path("stage").asText().equals("stage3") && r.path("params").path("readPercent").asText().equals("95")
                    && r.path("threads").asInt() == 2) {
                ((ObjectNode) r.get("primaryMetric")).put("score", 590.0);
            }
        }
        new ObjectMapper().writeValue(json.toFile(), results);
        String rerun = Report.renderPage(rendered, dir);
        assertTrue(rerun.contains("stage 3 590 ± 8.97, stage 0 597 ± 126 ns/op") && rerun.contains("; not resolved: "), rerun);
    }

    @Test
    void aSelectorMustNameExactlyOneResult(@TempDir Path dir) throws Exception {
        Files.copy(COMPARE, dir.resolve("run.json"));
        String none = PAGE.replace("stage=stage0,readPercent=95,threads=2", "stage=stage0,readPercent=95,threads=8");
        assertTrue(assertThrows(IOException.class, () -> Conclusions.render(none, dir)).getMessage().startsWith("0 results match"));
        String many = PAGE.replace("stage=stage0,readPercent=95,threads=2", "stage=stage0,readPercent=95");
        assertTrue(assertThrows(IOException.class, () -> Conclusions.render(many, dir)).getMessage().startsWith("3 results match"));
        String noVs = PAGE.replace(" vs ", " and ");
        assertThrows(IOException.class, () -> Conclusions.render(noVs, dir));
    }
}
