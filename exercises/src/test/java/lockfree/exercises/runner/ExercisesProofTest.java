package lockfree.exercises.runner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the learner's {@code ./mvnw verify} proves about every exercise in the manifest, in seconds:
 * its notes list each wrong solution kept under {@code exercises/mutants/} with the test that
 * rejects it (and each still fits the solution it edits), and, for the exercises whose quick check
 * runs in the runner's own JVM, the stub as handed out (git's HEAD) fails its quick check and the
 * reference solution passes it. It runs through the same {@link Checker} the runner uses, so what
 * passes here is what a learner's runner will say.
 *
 * <p>The rest takes minutes, so it is the maintainer's: {@link ExercisesMaintainerProofTest}
 * ({@code @Tag("maintainer")}, {@code ./mvnw verify -Pmaintainer}) proves every stub and every
 * solution, quick and thorough, the Lincheck exercises included (each check starts a JVM), and
 * {@code ./exercises.sh prove --mutants} (CI) proves every wrong solution is rejected.
 *
 * <p>The exercise tests themselves are excluded from surefire (they fail until solved); this class
 * is how the build runs them.
 */
class ExercisesProofTest {
    /** Fewer wrong solutions than this, and an exercise's tests are barely tried. */
    private static final int MIN_MUTANTS = 4;

    static Workspace ws;
    private static Checker checker;
    private static Proof proof;

    @BeforeAll
    static void setUp() {
        ws = new Workspace(repositoryRoot());
        checker = new Checker();
        proof = new Proof(checker, ws);
    }

    @AfterAll
    static void tearDown() throws Exception {
        checker.close();
        // Shown in ./mvnw verify's output (this module does not redirect test output).
        System.out.println("Exercises: the notes list every kept wrong solution, and the quick checks that run in-process"
                + " fail on the stubs and pass on the solutions (the whole proof: ./mvnw verify -Pmaintainer)."
                + " To work the exercises yourself, run ./exercises.sh (see exercises/README.md).");
    }

    /** Maven runs tests with the module directory as the working directory. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("exercises/exercises.toml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no exercises/exercises.toml above " + dir);
    }

    @TestFactory
    Stream<DynamicContainer> everyExerciseKeepsItsWrongSolutionsAndTheQuickCheckSeparatesStubFromSolution() {
        List<Exercise> exercises = ws.manifest().exercises();
        assertTrue(exercises.size() >= 10, "the course has at least 10 exercises, the manifest lists " + exercises.size());
        return exercises.stream().map(ex -> {
            Stream<DynamicTest> notes = Stream.of(
                    DynamicTest.dynamicTest("its notes list every wrong solution it keeps", () -> notesListEveryMutant(ex)));
            if (forks(ex)) {
                return DynamicContainer.dynamicContainer(ex.name(), notes);
            }
            return DynamicContainer.dynamicContainer(ex.name(), Stream.concat(Stream.of(
                    DynamicTest.dynamicTest("the stub fails its quick check", () -> stubFails(proof, ex)),
                    DynamicTest.dynamicTest("the reference solution passes its quick check", () -> {
                        Verdict v = checker.check(ex, ws.solutionSources(ex), ws.testSources(ex));
                        if (!v.passed()) {
                            fail("the reference solution fails:\n" + new Report("./exercises.sh", false, true).verdict(ex, v));
                        }
                    })), notes));
        });
    }

    /** Whether any of the exercise's quick test classes runs in a JVM of its own (Lincheck): seconds each. */
    static boolean forks(Exercise ex) {
        return ws.testSources(ex).values().stream()
                .anyMatch(text -> text.contains("org.jetbrains.lincheck") || text.contains("lockfree.exercises.support.Races"));
    }

    static void stubFails(Proof proof, Exercise ex) {
        Verdict v = proof.stub(ex);
        List<String> problems = Proof.stubProblems(ex, v);
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems) + "\n" + new Report("./exercises.sh", false, false).verdict(ex, v));
        }
    }

    /**
     * The mutation proof has teeth only if every exercise keeps wrong solutions of its own, each
     * still fits the reference solution it edits, and the notes a learner reads
     * (mutants/exNN_topic/README.md) name each one with the test that rejects it.
     */
    static void notesListEveryMutant(Exercise ex) throws Exception {
        List<Mutant> mutants = ws.mutants(ex);
        assertTrue(mutants.size() >= MIN_MUTANTS, ex.name() + " keeps " + mutants.size() + " wrong solutions under "
                + ws.display(ws.mutantsDir(ex)) + "; every exercise keeps at least " + MIN_MUTANTS);
        assertTrue(Files.exists(ws.notesFile(ex)), "no notes at " + ws.display(ws.notesFile(ex)));
        String notes = Files.readString(ws.notesFile(ex));
        for (Mutant m : mutants) {
            // Cheap, and catches a mutant gone stale: its lines must still be in the solution.
            ws.mutantSources(ex, m);
            assertTrue(!m.mistake().isEmpty() && !m.rejectedBy().isEmpty() && !m.edits().isEmpty(),
                    m.name() + ": a mutant needs a 'Wrong solution:' line, a 'Rejected by:' line and at least one block");
            assertTrue(notes.contains("`" + m.name() + "`"), ws.display(ws.notesFile(ex)) + " does not list `" + m.name() + "`");
            for (String test : m.rejectedBy()) {
                String method = test.substring(test.lastIndexOf('.') + 1);
                assertTrue(notes.contains(method), ws.display(ws.notesFile(ex)) + " does not say that " + method
                        + " rejects `" + m.name() + "`");
            }
        }
    }
}
