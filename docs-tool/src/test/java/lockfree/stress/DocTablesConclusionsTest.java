package lockfree.stress;

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

/** The chapters' stress conclusions are their runs' JSON rendered, and follow it when it changes. */
class DocTablesConclusionsTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final Path FIXTURES = ROOT.resolve("docs-tool/src/test/resources/doc-tables");
    private static final String PAGE = "Before.\n\n<!-- stress-conclusion: run.json | cpu stage3-lockfree vs stage0-rwlock -->\n"
            + "<!-- /stress-conclusion -->\n\nAfter.\n";

    @Test
    void everyChapterConcludesFromItsCommittedRuns() throws Exception {
        for (String chapter : List.of("stage0-rwlock", "stage1-concurrentmap", "stage2-sharded", "stage3-lockfree")) {
            Path page = ROOT.resolve(chapter).resolve("README.md");
            String text = Files.readString(page);
            assertTrue(DocTablesConclusions.BLOCK.matcher(text).find(), chapter + " concludes from a stress run");
            assertEquals(text, DocTables.render(text, page.getParent()),
                    chapter + "'s stress conclusions differ from their JSON: re-render with DocTables (./stress.sh render)");
        }
    }

    /** Two interleaved repeats of the fixture's run: the second's CPU per delivery scaled by {@code factor} for {@code stage}. */
    private static Path twoRepeats(Path dir, String stage, double factor) throws IOException {
        ObjectNode doc = (ObjectNode) LoadClient.JSON.readTree(FIXTURES.resolve("unicast-10000x10-2026-11-24.json").toFile());
        ArrayNode first = (ArrayNode) doc.remove("stages");
        ArrayNode second = first.deepCopy();
        for (int i = 0; i < second.size(); i++) {
            ObjectNode s = (ObjectNode) second.get(i);
            double cpu = s.get("cpuMicrosPerDelivery").asDouble();
            s.put("cpuMicrosPerDelivery", cpu * (s.get("stage").asText().equals(stage) ? factor : 1.01));
        }
        ArrayNode repeats = doc.putArray("repeats");
        repeats.addObject().set("stages", first);
        repeats.addObject().set("stages", second);
        Path json = dir.resolve("run.json");
        LoadClient.JSON.writeValue(json.toFile(), doc);
        return json;
    }

    /** The teeth: a number or verdict edited by hand is restored, and a changed result changes the verdict. */
    @Test
    void aSentenceFollowsItsJson(@TempDir Path dir) throws Exception {
        twoRepeats(dir, "stage3-lockfree", 1.01);
        String rendered = DocTables.render(PAGE, dir);
        assertTrue(rendered.contains("- Unicast, 10,000 users x 10 at 2000 msg/s, gateway CPU per delivery, median [min-max] of 2 "
                + "interleaved runs: stage3-lockfree 143 [142-144], stage0-rwlock 151 [150-151] us. Ratio of the medians, "
                + "stage3-lockfree over stage0-rwlock: 0.95x; resolved: the ranges of the runs are apart, stage3-lockfree the better."),
                rendered);
        for (String edited : List.of(rendered.replace("0.95x", "0.50x"), rendered.replace("the better", "far better"))) {
            assertNotEquals(rendered, edited);
            assertEquals(rendered, DocTables.render(edited, dir), "rendering restores the JSON's sentence");
        }
        // A second repeat whose stage 3 ran slower than stage 0's range: the ranges now overlap.
        twoRepeats(dir, "stage3-lockfree", 1.06);
        String rerun = DocTables.render(rendered, dir);
        assertTrue(rerun.contains("; not resolved: the ranges of the runs overlap, so this run ranks neither"), rerun);
        assertTrue(rerun.contains("would give the stages' differences room to show."), "two stages: contention could separate them");
        // Against a peer (or the limit), contention is not what would separate them: no such advice.
        Path peer = Files.createDirectories(dir.resolve("peer"));
        Files.writeString(peer.resolve("run.json"), Files.readString(dir.resolve("run.json")).replace("stage0-rwlock", "vertx"));
        String beside = DocTables.render(PAGE.replace("vs stage0-rwlock", "vs vertx"), peer);
        assertTrue(beside.contains("; not resolved: the ranges of the runs overlap, so this run ranks neither; more "
                + "interleaved repeats (REPEAT=9 or more) on a quiet machine would narrow the ranges.\n"), beside);
    }

    @Test
    void oneRunResolvesNothingAndAMisnamedTargetIsAnError(@TempDir Path dir) throws Exception {
        Files.copy(FIXTURES.resolve("unicast-10000x10-2026-11-24.json"), dir.resolve("run.json"));
        assertTrue(DocTables.render(PAGE, dir).contains("; not resolved: one run has no range to compare"));
        assertTrue(assertThrows(IOException.class, () -> DocTables.render(PAGE.replace("stage0-rwlock", "stage9"), dir))
                .getMessage().contains("has no target stage9"));
        assertThrows(IOException.class, () -> DocTables.render(PAGE.replace("cpu ", "speed "), dir), "an unknown figure");
    }
}
