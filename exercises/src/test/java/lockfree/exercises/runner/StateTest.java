package lockfree.exercises.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsAFreshStart() {
        State s = State.load(dir.resolve(".workshop-state"));
        assertNull(s.current());
        assertTrue(s.done().isEmpty());
    }

    @Test
    void savesAndLoadsCurrentAndDone() {
        Path file = dir.resolve(".workshop-state");
        State s = State.load(file);
        s.current("ex03_atomic_map_ops");
        s.record("ex01_rwlock_map", true);
        s.record("ex02_relogin_kick", true);
        s.save(file);

        State again = State.load(file);
        assertEquals("ex03_atomic_map_ops", again.current());
        assertEquals(Set.of("ex01_rwlock_map", "ex02_relogin_kick"), again.done());
        assertFalse(Files.exists(dir.resolve(".workshop-state.tmp")), "the temporary file is moved into place");
    }

    @Test
    void anExerciseThatFailsAgainIsNoLongerDone() {
        State s = new State();
        s.record("ex01_rwlock_map", true);
        s.record("ex01_rwlock_map", false);
        assertFalse(s.isDone("ex01_rwlock_map"));
    }

    @Test
    void toleratesHandEditsCommentsAndBlankLines() throws Exception {
        Path file = dir.resolve(".workshop-state");
        Files.writeString(file, "# mine\n\n current = ex02_relogin_kick \ndone= ex01_rwlock_map , ,\nnonsense\n");
        State s = State.load(file);
        assertEquals("ex02_relogin_kick", s.current());
        assertEquals(Set.of("ex01_rwlock_map"), s.done());
    }

    @Test
    void remembersHowManyLevelsOfEachHintWereShown() throws Exception {
        Path file = dir.resolve(".workshop-state");
        State s = State.load(file);
        assertEquals(0, s.hintLevel("ex05_stamped_read"), "no hint shown yet");
        s.hintLevel("ex05_stamped_read", 2);
        s.hintLevel("ex09_mpsc_ring", 1);
        s.save(file);

        State again = State.load(file);
        assertEquals(2, again.hintLevel("ex05_stamped_read"));
        assertEquals(1, again.hintLevel("ex09_mpsc_ring"));
        assertEquals(0, again.hintLevel("ex01_rwlock_map"));
    }
}
