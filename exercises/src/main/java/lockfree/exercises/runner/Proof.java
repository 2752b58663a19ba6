package lockfree.exercises.runner;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The two directions CI proves for every exercise: the stub as handed out fails its tests (so a
 * learner starts on red, with the stub's TODO in front of them), and the reference solution passes
 * them (so the tests are solvable and the solution is right). {@code ExercisesProofTest} runs it in
 * {@code ./mvnw verify}; {@code ./exercises.sh prove} runs it from the command line.
 */
public final class Proof {
    private final Checker checker;
    private final Workspace ws;

    public Proof(Checker checker, Workspace ws) {
        this.checker = checker;
        this.ws = ws;
    }

    public Verdict stub(Exercise ex) {
        return checker.check(ex, ws.pristineSources(ex), ws.testSources(ex));
    }

    public Verdict solution(Exercise ex) {
        return checker.check(ex, ws.solutionSources(ex), ws.testSources(ex));
    }

    /**
     * What is wrong with the stub's verdict, or an empty list. A stub must compile (a learner's
     * first sight must not be a compile error), fail in every listed test class (a class that
     * passes on the stub tests nothing the learner writes), and show its TODO in some failure.
     */
    public static List<String> stubProblems(Exercise ex, Verdict verdict) {
        List<String> problems = new ArrayList<>();
        if (verdict instanceof Verdict.CompileFailed cf) {
            problems.add("the stub does not compile: " + String.join("\n", cf.errors()));
            return problems;
        }
        Verdict.Tested t = (Verdict.Tested) verdict;
        if (t.failures().isEmpty()) {
            problems.add("the stub passes all " + t.tests() + " tests: they do not test what the learner writes");
            return problems;
        }
        Set<String> failingClasses = new LinkedHashSet<>();
        t.failures().forEach(f -> failingClasses.add(f.testClass()));
        for (String test : ex.tests()) {
            String simple = Checker.simpleName(test);
            if (!failingClasses.contains(simple)) {
                problems.add(simple + " passes on the stub: it tests nothing the learner writes");
            }
        }
        if (t.failures().stream().noneMatch(f -> f.message().contains("TODO"))) {
            problems.add("no failure shows the stub's TODO; the stub should throw UnsupportedOperationException(\"TODO: ...\")");
        }
        return problems;
    }

    /** What is wrong with the solution's verdict, or an empty list. */
    public static List<String> solutionProblems(Verdict verdict) {
        return verdict.passed() ? List.of() : List.of("the reference solution does not pass its tests");
    }
}
