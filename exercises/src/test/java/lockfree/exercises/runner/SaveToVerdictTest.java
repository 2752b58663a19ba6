package lockfree.exercises.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's save-to-verdict table is rendered from the committed raw file
 * ({@code exercises/docs/save-to-verdict.json}, written by {@code ./exercises.sh time}); this
 * keeps the two in step: a hand edit of the table, or a new measurement not rendered, fails here.
 */
class SaveToVerdictTest {
    @TempDir
    Path dir;

    @Test
    void theReadmesTableIsTheRenderingOfTheCommittedMeasurement() throws Exception {
        Workspace ws = new Workspace(ExercisesProofTest.repositoryRoot());
        Path raw = SaveToVerdict.file(ws);
        assertTrue(Files.exists(raw), "no " + raw + ": run ./exercises.sh time");
        SaveToVerdict.Result result = SaveToVerdict.read(raw);
        String readme = Files.readString(SaveToVerdict.readme(ws));

        assertEquals(SaveToVerdict.render(result), SaveToVerdict.block(readme).orElse("(no block)"),
                "exercises/README.md's save-to-verdict block is not the rendering of " + ws.display(raw)
                        + ": run ./exercises.sh time --render");
        List<String> names = ws.manifest().exercises().stream().map(Exercise::name).toList();
        assertEquals(names, result.exercises().stream().map(SaveToVerdict.Row::exercise).toList(),
                "the measurement covers every exercise of the manifest, in order");
    }

    /** The check has teeth: another measurement renders another block, and the file round-trips. */
    @Test
    void aDifferentMeasurementRendersDifferentlyAndTheFileRoundTrips() {
        SaveToVerdict.Result a = new SaveToVerdict.Result("2026-01-01T00:00:00Z", "cpu", 2, "java 17", 3, 0.5, 0.7,
                List.of(new SaveToVerdict.Row("ex01_rwlock_map", true, 1500, 1400, 1600)));
        SaveToVerdict.Result b = new SaveToVerdict.Result("2026-01-01T00:00:00Z", "cpu", 2, "java 17", 3, 0.5, 0.7,
                List.of(new SaveToVerdict.Row("ex01_rwlock_map", true, 2500, 1400, 1600)));
        assertNotEquals(SaveToVerdict.render(a), SaveToVerdict.render(b));
        assertTrue(SaveToVerdict.render(a).contains("| ex01_rwlock_map | 1.5 s | 1.4 s | 1.6 s |"), SaveToVerdict.render(a));
        assertTrue(SaveToVerdict.render(a).contains("load average 0.50 at the start, 0.70 at the end"), SaveToVerdict.render(a));

        Path file = dir.resolve("s.json");
        SaveToVerdict.write(file, a);
        assertEquals(a, SaveToVerdict.read(file));
        String readme = "before\n" + SaveToVerdict.BEGIN + "\nold\n" + SaveToVerdict.END + "\nafter\n";
        assertEquals("before\n" + SaveToVerdict.render(a) + "\nafter\n", SaveToVerdict.renderInto(readme, a));
    }
}
