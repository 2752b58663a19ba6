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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chapter's conclusion sentences are rendered from the raw JSON ({@link Conclusions}): the
 * number, the ratio and the word "resolved" all come from the file, and follow it when it changes.
 * The results are a committed JMH JSON fixture (src/test/resources/conclusions/fixture.json), one
 * pair of results per case, rendered through the same page rendering as the docs.
 */
class ConclusionsTest {
    private static final Path FIXTURE = Path.of("src/test/resources/conclusions/fixture.json");

    /** One comparison per case of the fixture, in its order. */
    private static final String PAGE = "Before.\n\n<!-- jmh-conclusion: run.json"
            + " | method=resolved,stage=stage3 vs method=resolved,stage=stage0"
            + " | method=intervalsOverlap,shards=32 vs method=intervalsOverlap,shards=1"
            + " | method=forksOverlap,shards=32 vs method=forksOverlap,shards=1"
            + " | method=wide,drain=batched vs method=wide,drain=perMessage"
            + " | method=throughput,stage=stage3 vs method=throughput,stage=stage0"
            + " | method=unequalThreads,threads=2 vs method=unequalThreads,threads=1"
            + " -->\n<!-- /jmh-conclusion -->\n\nAfter.\n";

    private static Path run(Path dir) throws IOException {
        Path json = dir.resolve("run.json");
        Files.copy(FIXTURE, json);
        return json;
    }

    /** The block's sentences, one per comparison. */
    private static List<String> sentences(String page) {
        return page.lines().filter(l -> l.startsWith("- ")).map(l -> l.substring(2)).toList();
    }

    @Test
    void eachCaseOfTheFixtureRendersItsSentence(@TempDir Path dir) throws IOException {
        run(dir);
        List<String> s = sentences(Report.renderPage(PAGE, dir));
        assertEquals(6, s.size(), String.join("\n", s));
        // Both intervals and both ranges of fork means apart: called, with the numbers.
        assertEquals("`resolved`: stage 3 50.0 ± 5.00, stage 0 500 ± 50.0 ns/op. Stage 3 over stage 0: ×0.10 the time"
                + " per operation, 10.00x the operations completed; resolved: the 99.9% intervals and the ranges of fork means"
                + " are apart.", s.get(0));
        // Overlapping intervals: not resolved, and what would resolve it.
        assertTrue(s.get(1).endsWith("; not resolved: the 99.9% intervals overlap, so this run ranks neither; more forks on a "
                + "quiet machine would narrow the intervals."), s.get(1));
        // Intervals apart, fork means not: JMH's interval pools the forks' iterations, the forks are the repeats.
        assertTrue(s.get(2).contains("not resolved: the ranges of fork means overlap"), s.get(2));
        assertTrue(s.get(2).endsWith("and more cores would give contention more room to show."), "two threads contend: " + s.get(2));
        // An interval as wide as its score: no ratio at all.
        assertTrue(s.get(3).contains("n.r. (15.0 ± 16.0)") && s.get(3).contains("Not resolved: `drain=batched`'s 99.9% interval"
                + " is as wide as its score, so no ratio is taken"), s.get(3));
        // A throughput is compared as throughput.
        assertTrue(s.get(4).contains("Stage 3 over stage 0: 3.00x the throughput; resolved"), s.get(4));
        // Per-thread times at unequal threads say nothing of operations completed.
        assertTrue(s.get(5).contains("2 threads over 1 thread: ×4.00 the time per operation; resolved"), s.get(5));
    }

    /** The teeth: a hand-edited number or verdict is restored, and a changed result changes the sentence. */
    @Test
    void aSentenceFollowsItsJson(@TempDir Path dir) throws Exception {
        Path json = run(dir);
        String rendered = Report.renderPage(PAGE, dir);
        assertEquals(rendered, Report.renderPage(rendered, dir), "stable");
        assertEquals(rendered, Conclusions.render(rendered, dir), "the conclusions are part of every page's rendering");
        for (String edited : List.of(rendered.replace("10.00x", "12.00x"), rendered.replace("; resolved:", "; clearly resolved:"),
                rendered.replace("stage 0 500 ± 50.0", "stage 0 600 ± 50.0"))) {
            assertNotEquals(rendered, edited);
            assertEquals(rendered, Report.renderPage(edited, dir), "rendering restores the JSON's sentence");
        }

        ArrayNode results = (ArrayNode) new ObjectMapper().readTree(json.toFile());
        for (int i = 0; i < results.size(); i++) {
            ObjectNode r = (ObjectNode) results.get(i);
            if (r.path("benchmark").asText().endsWith(".resolved") && r.path("params").path("stage").asText().equals("stage3")) {
                ((ObjectNode) r.get("primaryMetric")).put("score", 490.0);
            }
        }
        new ObjectMapper().writeValue(json.toFile(), results);
        String rerun = sentences(Report.renderPage(rendered, dir)).get(0);
        assertTrue(rerun.contains("stage 3 490 ± 5.00, stage 0 500 ± 50.0 ns/op") && rerun.contains("; not resolved: "), rerun);
    }

    @Test
    void aSelectorMustNameExactlyOneResult(@TempDir Path dir) throws Exception {
        run(dir);
        String none = PAGE.replace("method=resolved,stage=stage0", "method=resolved,stage=stage9");
        assertTrue(assertThrows(IOException.class, () -> Conclusions.render(none, dir)).getMessage().startsWith("0 results match"));
        String many = PAGE.replace("method=resolved,stage=stage0", "method=resolved");
        assertTrue(assertThrows(IOException.class, () -> Conclusions.render(many, dir)).getMessage().startsWith("2 results match"));
        String noVs = PAGE.replace(" vs method=wide", " and method=wide");
        assertThrows(IOException.class, () -> Conclusions.render(noVs, dir));
    }
}
