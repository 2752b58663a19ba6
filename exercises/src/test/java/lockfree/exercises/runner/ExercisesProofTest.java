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
 * What CI proves for every exercise in the manifest, each checked on its own: the stub as handed
 * out (git's HEAD, or the file where there is no git) compiles and fails its tests, the reference
 * solution passes them, and the exercise's notes list every wrong solution kept under
 * {@code exercises/mutants/} with the test that rejects it. Running those wrong solutions (the
 * mutation proof, {@link Proof#mutant}) takes several minutes, so CI runs it once, on one JDK, with
 * {@code ./exercises.sh prove --mutants} instead of in every {@code ./mvnw verify}. Runs in {@code ./mvnw verify} through the same {@link Checker}
 * the runner uses, so what passes here is what a learner's runner will say.
 *
 * <p>The exercise tests themselves are excluded from surefire (they fail until solved); this class
 * is how the build runs them.
 */
class ExercisesProofTest {
    /** Fewer wrong solutions than this, and an exercise's tests are barely tried. */
    private static final int MIN_MUTANTS = 4;

    private static Workspace ws;
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
        System.out.println("Exercises: every stub fails its tests and every reference solution passes."
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
    Stream<DynamicContainer> everyStubFailsAndEverySolutionPasses() {
        List<Exercise> exercises = ws.manifest().exercises();
        assertTrue(exercises.size() >= 10, "the course has at least 10 exercises, the manifest lists " + exercises.size());
        return exercises.stream().map(ex -> DynamicContainer.dynamicContainer(ex.name(), Stream.of(
                DynamicTest.dynamicTest("the stub fails its tests", () -> {
                    Verdict v = proof.stub(ex);
                    List<String> problems = Proof.stubProblems(ex, v);
                    if (!problems.isEmpty()) {
                        fail(String.join("\n", problems) + "\n" + new Report("./exercises.sh", false, false).verdict(ex, v));
                    }
                }),
                DynamicTest.dynamicTest("the reference solution passes its tests", () -> {
                    Verdict v = proof.solution(ex);
                    if (!v.passed()) {
                        fail("the reference solution fails:\n" + new Report("./exercises.sh", false, true).verdict(ex, v));
                    }
                }),
                DynamicTest.dynamicTest("its notes list every wrong solution it keeps", () -> notesListEveryMutant(ex)))));
    }

    /**
     * The mutation proof has teeth only if every exercise keeps wrong solutions of its own, each
     * still fits the reference solution it edits, and the notes a learner reads
     * (mutants/exNN_topic/README.md) name each one with the test that rejects it.
     */
    private static void notesListEveryMutant(Exercise ex) throws Exception {
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
