package lockfree.exercises.runner;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The three things CI proves for every exercise: the stub as handed out fails its tests (so a
 * learner starts on red, with the stub's TODO in front of them), the reference solution passes
 * them (so the tests are solvable and the solution is right), and every wrong solution kept under
 * {@code exercises/mutants/<exercise>/} ({@link Mutant}) fails them, in the test it names (so the
 * tests reject the mistakes learners make, not only the empty stub). {@code ExercisesProofTest} runs it in
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

    /** The solution's quick check, and, if that passes, its thorough check. */
    public Verdict solution(Exercise ex) {
        return quickThenThorough(ex, ws.solutionSources(ex));
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
        if (t.failures().stream().noneMatch(f -> f.message().startsWith(Checker.NOT_IMPLEMENTED))) {
            problems.add("no failure shows the stub's TODO; the stub should throw UnsupportedOperationException(\"TODO: ...\")");
        }
        return problems;
    }

    /**
     * Runs a wrong solution against the tests its header names. If one of them fails, that is the
     * verdict: the mistake is rejected where the notes say it is, at the cost of those tests only.
     * If none fails (the proof is about to fail), the whole quick and thorough check runs, so the
     * report shows everything the tests made of it.
     */
    public Verdict mutant(Exercise ex, Mutant mutant) {
        Map<String, String> sources = ws.mutantSources(ex, mutant);
        List<String> named = new ArrayList<>();
        for (String test : mutant.rejectedBy()) {
            int dot = test.lastIndexOf('.');
            named.add(ex.packageName() + "." + test.substring(0, dot) + "#" + test.substring(dot + 1));
        }
        if (!named.isEmpty() && named.stream().allMatch(t -> isListed(ex, t))) {
            Verdict v = checker.checkSelected(ex, sources, ws.testSources(ex), named);
            if (v instanceof Verdict.Tested t && t.failures().stream().anyMatch(mutant::namedIn)) {
                return v;
            }
        }
        return quickThenThorough(ex, sources);
    }

    /** A named test must belong to a class the exercise runs (quick or thorough), or it proves nothing. */
    private static boolean isListed(Exercise ex, String test) {
        String cls = Checker.classOf(test);
        String outer = cls.contains("$") ? cls.substring(0, cls.indexOf('$')) : cls;
        return ex.tests().contains(outer) || ex.thorough().contains(outer);
    }

    private Verdict quickThenThorough(Exercise ex, Map<String, String> sources) {
        Map<String, String> tests = ws.testSources(ex);
        Verdict quick = checker.check(ex, sources, tests);
        if (!quick.passed() || ex.thorough().isEmpty()) {
            return quick;
        }
        return checker.checkThorough(ex, sources, tests);
    }

    /**
     * What is wrong with a mutant's verdict, or an empty list. A wrong solution must compile (one
     * that does not proves nothing about the tests), must fail, and must fail in a test its header
     * names: the notes say which test catches which mistake, and this keeps them true.
     */
    public static List<String> mutantProblems(Exercise ex, Mutant mutant, Verdict verdict) {
        String where = "wrong solution " + ex.name() + "/" + mutant.name() + " (" + mutant.mistake() + ")";
        if (mutant.mistake().isEmpty() || mutant.rejectedBy().isEmpty()) {
            return List.of(where + ": its header needs a 'Wrong solution:' and a 'Rejected by:' line");
        }
        if (verdict instanceof Verdict.CompileFailed cf) {
            return List.of(where + " does not compile: " + String.join("\n", cf.errors()));
        }
        Verdict.Tested t = (Verdict.Tested) verdict;
        if (t.failures().isEmpty()) {
            return List.of(where + " passes all " + t.tests() + " tests: they accept this mistake");
        }
        if (t.failures().stream().noneMatch(mutant::namedIn)) {
            List<String> failed = t.failures().stream().map(f -> f.testClass() + " > " + f.test()).toList();
            return List.of(where + " is rejected, but not by " + mutant.rejectedBy() + "; it failed " + failed);
        }
        return List.of();
    }

    /** What is wrong with the solution's verdict, or an empty list. */
    public static List<String> solutionProblems(Verdict verdict) {
        return verdict.passed() ? List.of() : List.of("the reference solution does not pass its tests");
    }
}
