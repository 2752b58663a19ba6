package lockfree.exercises.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {
    @TempDir
    Path dir;

    private static final String TWO = """
            [[exercise]]
            name = "ex01_first_thing"
            stage = "stage 0"
            title = "The first thing"
            about = "Why."
            stub = ["src/main/java/lockfree/exercises/ex01_first_thing/First.java"]
            solution = ["solutions/ex01_first_thing/First.java"]
            tests = ["lockfree.exercises.ex01_first_thing.FirstTest"]
            hints = [\"\"\"
            Line one.
            Line two.
            \"\"\", "The idea.", "The shape."]

            [[exercise]]
            name = "ex03_atomic_map_ops"
            title = "Third"
            stub = ["src/main/java/lockfree/exercises/ex03_atomic_map_ops/Chm.java"]
            solution = ["solutions/ex03_atomic_map_ops/Chm.java"]
            tests = ["lockfree.exercises.ex03_atomic_map_ops.ChmTest", "lockfree.exercises.ex03_atomic_map_ops.RacesTest"]
            thorough = ["lockfree.exercises.ex03_atomic_map_ops.ChmStressTest"]
            hints = ["Look at the map's own methods.", "Use compute.", "compute(uid, (k, v) -> ...)"]
            """;

    private Manifest load(String toml) throws Exception {
        Path file = dir.resolve("exercises.toml");
        Files.writeString(file, toml);
        return Manifest.load(file);
    }

    @Test
    void readsEveryFieldInOrder() throws Exception {
        Manifest m = load(TWO);

        assertEquals(2, m.exercises().size());
        Exercise first = m.first();
        assertEquals("ex01_first_thing", first.name());
        assertEquals("stage 0", first.stage());
        assertEquals(List.of("Line one.\nLine two.", "The idea.", "The shape."), first.hints(),
                "three levels; multi-line hints keep their lines, trimmed");
        assertEquals(List.of("lockfree.exercises.ex01_first_thing.FirstTest"), first.tests());
        assertEquals("lockfree.exercises.ex01_first_thing", first.packageName());
        assertEquals(2, m.exercises().get(1).tests().size());
        assertEquals(List.of(), first.thorough(), "no thorough check unless the manifest lists one");
        assertEquals(List.of("lockfree.exercises.ex03_atomic_map_ops.ChmStressTest"), m.exercises().get(1).thorough());
        assertEquals(m.exercises().get(1), m.after(first).orElseThrow());
        assertTrue(m.after(m.exercises().get(1)).isEmpty());
    }

    @Test
    void findsByNumberNameOrUniqueTopicWord() throws Exception {
        Manifest m = load(TWO);
        Exercise third = m.exercises().get(1);

        assertEquals(third, m.find("3").orElseThrow());
        assertEquals(third, m.find("03").orElseThrow());
        assertEquals(third, m.find("ex03").orElseThrow());
        assertEquals(third, m.find("ex03_atomic_map_ops").orElseThrow());
        assertEquals(third, m.find("atomic").orElseThrow());
        assertTrue(m.find("2").isEmpty(), "no exercise 2");
        assertTrue(m.find("_").isEmpty(), "ambiguous: both names contain '_'");
        assertTrue(m.find("").isEmpty());
    }

    @Test
    void rejectsAMisspeltKey() {
        String bad = TWO.replace("hints = [\"Look", "hint = [\"Look");
        Exception e = assertThrows(Exception.class, () -> load(bad));
        assertTrue(e.getMessage().contains("hint"), e.getMessage());
    }

    @Test
    void rejectsExercisesOutOfOrder() {
        String swapped = TWO.replace("ex01_first_thing", "ex05_first_thing");
        Exception e = assertThrows(IllegalArgumentException.class, () -> load(swapped));
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
    }

    @Test
    void rejectsATestOutsideTheExercisePackage() {
        String moved = TWO.replace("\"lockfree.exercises.ex01_first_thing.FirstTest\"", "\"lockfree.other.FirstTest\"");
        Exception e = assertThrows(IllegalArgumentException.class, () -> load(moved));
        assertTrue(e.getMessage().contains("not in package"), e.getMessage());
    }

    @Test
    void rejectsAThoroughTestOutsideTheExercisePackage() {
        String moved = TWO.replace("\"lockfree.exercises.ex03_atomic_map_ops.ChmStressTest\"", "\"lockfree.other.ChmStressTest\"");
        Exception e = assertThrows(IllegalArgumentException.class, () -> load(moved));
        assertTrue(e.getMessage().contains("not in package"), e.getMessage());
    }

    @Test
    void rejectsASolutionWithAnotherFileName() {
        String renamed = TWO.replace("solutions/ex01_first_thing/First.java", "solutions/ex01_first_thing/Other.java");
        Exception e = assertThrows(IllegalArgumentException.class, () -> load(renamed));
        assertTrue(e.getMessage().contains("file name"), e.getMessage());
    }

    /** The real manifest: every file it names exists, and the course has at least ten exercises. */
    @Test
    void theWorkshopManifestNamesFilesThatExist() {
        Workspace ws = new Workspace(ExercisesProofTest.repositoryRoot());
        Manifest m = ws.manifest();
        assertTrue(m.exercises().size() >= 10);
        for (Exercise ex : m.exercises()) {
            for (String f : ex.stub()) {
                assertTrue(Files.isRegularFile(ws.file(f)), ex.name() + ": missing stub " + f);
            }
            for (String f : ex.solution()) {
                assertTrue(Files.isRegularFile(ws.file(f)), ex.name() + ": missing solution " + f);
            }
            for (String t : Stream.concat(ex.tests().stream(), ex.thorough().stream()).toList()) {
                Path source = ws.root().resolve("exercises/src/test/java/" + t.replace('.', '/') + ".java");
                assertTrue(Files.isRegularFile(source), ex.name() + ": missing test " + source);
            }
        }
    }
}
