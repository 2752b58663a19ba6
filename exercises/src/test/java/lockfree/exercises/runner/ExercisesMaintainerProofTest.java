package lockfree.exercises.runner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The whole proof, for maintainers ({@code ./mvnw verify -Pmaintainer}; minutes, not in the
 * learner's verify): for every exercise, the stub as handed out fails its quick check, the
 * reference solution passes the quick and the thorough check, and every wrong solution under
 * {@code exercises/mutants/} is rejected by the test its header names. The same as
 * {@code ./exercises.sh prove}, one test per exercise and proof in the report.
 */
@Tag("maintainer")
class ExercisesMaintainerProofTest {
    private static Workspace ws;
    private static Checker checker;
    private static Proof proof;

    @BeforeAll
    static void setUp() {
        ws = new Workspace(ExercisesProofTest.repositoryRoot());
        checker = new Checker();
        proof = new Proof(checker, ws);
    }

    @AfterAll
    static void tearDown() throws Exception {
        checker.close();
    }

    @TestFactory
    Stream<DynamicContainer> everyStubFailsEverySolutionPassesEveryWrongSolutionIsRejected() {
        return ws.manifest().exercises().stream().map(ex -> DynamicContainer.dynamicContainer(ex.name(), Stream.of(
                DynamicTest.dynamicTest("the stub fails its tests", () -> ExercisesProofTest.stubFails(proof, ex)),
                DynamicTest.dynamicTest("the reference solution passes its quick and thorough check", () -> {
                    Verdict v = proof.solution(ex);
                    if (!v.passed()) {
                        fail("the reference solution fails:\n" + new Report("./exercises.sh", false, true).verdict(ex, v));
                    }
                }),
                DynamicTest.dynamicTest("every wrong solution is rejected where its notes say", () -> {
                    List<String> problems = new ArrayList<>();
                    for (Mutant m : ws.mutants(ex)) {
                        problems.addAll(Proof.mutantProblems(ex, m, proof.mutant(ex, m)));
                    }
                    if (!problems.isEmpty()) {
                        fail(String.join("\n", problems));
                    }
                }))));
    }
}
