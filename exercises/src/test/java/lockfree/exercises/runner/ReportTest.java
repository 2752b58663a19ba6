package lockfree.exercises.runner;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    private static final Exercise EX = new Exercise("ex03_atomic_map_ops", "Atomic", "stage 1", "",
            List.of("Look at the map's own methods.", "Use compute.", "compute(uid, (k, v) -> ...)"),
            List.of("src/main/java/lockfree/exercises/ex03_atomic_map_ops/Chm.java"),
            List.of("solutions/ex03_atomic_map_ops/Chm.java"),
            List.of("lockfree.exercises.ex03_atomic_map_ops.ChmTest"), List.of());
    private final Report report = new Report("./exercises.sh", false, false);

    private static Verdict.Failure failure(String test, String message) {
        return new Verdict.Failure("ChmTest", test, message, "Chm.java:42", "java.lang.AssertionError\n\tat x");
    }

    @Test
    void aFailureNamesTheTestTheMessageTheLineAndTheHintCommand() {
        Verdict v = new Verdict.Tested(EX.name(), 5, 0,
                List.of(failure("relogin kicks the old session", "expected: <a> but was: <null>")), 300_000_000L, 1_200_000_000L);

        String text = report.verdict(EX, v);

        assertTrue(text.startsWith("✗ ex03_atomic_map_ops: 1 of 5 tests fail"), text);
        assertTrue(text.contains("(compile 300 ms, tests 1.2 s)"), text);
        assertTrue(text.contains("1) ChmTest > relogin kicks the old session"), text);
        assertTrue(text.contains("expected: <a> but was: <null>"), text);
        assertTrue(text.contains("at Chm.java:42"), text);
        assertTrue(text.contains("./exercises.sh hint 3"), text);
        assertFalse(text.contains("\u001b["), "no colour codes when colour is off");
    }

    @Test
    void showsThreeFailuresInFullAndNamesTheRest() {
        List<Verdict.Failure> five = List.of(failure("t1", "m1"), failure("t2", "m2"), failure("t3", "m3"),
                failure("t4", "m4"), failure("t5", "m5"));
        String text = report.verdict(EX, new Verdict.Tested(EX.name(), 5, 0, five, 0, 0));

        assertTrue(text.contains("3) ChmTest > t3\n     m3"), text);
        assertFalse(text.contains("m4"), "only the first three messages");
        assertTrue(text.contains("...and 2 more:\n     ChmTest > t4\n     ChmTest > t5"), text);
    }

    @Test
    void longMessagesAreCutUnlessFull() {
        String longMessage = "line\n".repeat(100).strip();
        Verdict v = new Verdict.Tested(EX.name(), 1, 0, List.of(failure("t", longMessage)), 0, 0);

        String cut = report.verdict(EX, v);
        assertTrue(cut.contains("... 70 more lines (--full shows them)"), cut);
        String full = new Report("./exercises.sh", false, true).verdict(EX, v);
        assertEquals(100, full.lines().filter(l -> l.strip().equals("line")).count());
        assertTrue(full.contains("at x"), "--full shows the stack trace");
    }

    @Test
    void aCompileErrorShowsJavacsMessage() {
        Verdict v = new Verdict.CompileFailed(EX.name(), List.of("Chm.java:12: ';' expected\n  x = 1\n       ^"), 0);
        String text = report.verdict(EX, v);
        assertTrue(text.startsWith("✗ ex03_atomic_map_ops does not compile"), text);
        assertTrue(text.contains("  Chm.java:12: ';' expected\n    x = 1\n         ^"), text);
    }

    @Test
    void aPassSaysSo() {
        String text = report.verdict(EX, new Verdict.Tested(EX.name(), 7, 0, List.of(), 0, 0));
        assertTrue(text.startsWith("✓ ex03_atomic_map_ops: all 7 tests pass"), text);
    }

    @Test
    void testMethodNamesReadAsWords() {
        assertEquals("relogin returns the displaced session", Report.words("reloginReturnsTheDisplacedSession()"));
        assertEquals("a lookup racing a put sees old or new", Report.words("aLookupRacingAPutSeesOldOrNew()"));
        assertEquals("offer CAS loop wins", Report.words("offerCASLoopWins()"));
        assertEquals("ids in steps of 32 spread", Report.words("idsInStepsOf32Spread()"));
        assertEquals("[1] capacity 1", Report.words("[1] capacity 1"), "non-method names stay as they are");
    }

    /** A stub that only throws its TODOs gets one line, not a report of every test. */
    @Test
    void aStubsTodosAreOneLine() {
        List<Verdict.Failure> todos = List.of(failure("t1", Checker.NOT_IMPLEMENTED + "Chm.bind"),
                failure("t2", Checker.NOT_IMPLEMENTED + "Chm.bind"), failure("t3", Checker.NOT_IMPLEMENTED + "Chm.remove"));
        String text = report.verdict(EX, new Verdict.Tested(EX.name(), 3, 0, todos, 0, 0));

        assertTrue(text.startsWith("✗ ex03_atomic_map_ops: not implemented yet: Chm.bind, Chm.remove"), text);
        assertFalse(text.contains("ChmTest"), "no test report for a stub: " + text);
        assertEquals(2, text.lines().count(), text);
    }

    @Test
    void theStubsTodoReadsAsOneLineFromTheException() {
        UnsupportedOperationException todo = new UnsupportedOperationException("TODO: bind it");
        todo.setStackTrace(new StackTraceElement[] {new StackTraceElement("lockfree.exercises.ex03_atomic_map_ops.Chm", "bind", "Chm.java", 42)});
        assertEquals("not implemented yet: Chm.bind", Checker.message(new AssertionError("wrapped", todo)));
        assertEquals("IllegalStateException: no", Checker.message(new IllegalStateException("no")));
    }

    @Test
    void hintsComeOneLevelAtATimeAndTheLastSaysWhereTheSolutionIs() {
        String first = report.hint(EX, 1);
        String last = report.hint(EX, 3);
        assertTrue(first.contains("Hint 1 of 3") && first.contains("a nudge") && first.contains("Look at the map's own methods."), first);
        assertFalse(first.contains("Use compute."), "one level at a time: " + first);
        assertTrue(first.contains("hint 3 again"), first);
        assertTrue(last.contains("the shape of the code") && last.contains("./exercises.sh solution 3"), last);
    }

    @Test
    void progressBar() {
        assertEquals("Progress: [" + "#".repeat(15) + "-".repeat(15) + "] 5/10", report.progress(5, 10));
    }
}
