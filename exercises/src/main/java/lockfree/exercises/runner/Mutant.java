package lockfree.exercises.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wrong solution of an exercise, kept in the project to prove that the exercise's tests reject
 * it: {@code exercises/mutants/<exercise>/<name>/} holds one or more stub files (same names as the
 * stubs) with the mistake in them. The comment at the top of one of them says what the mistake is
 * and which tests must catch it:
 *
 * <pre>
 * Wrong solution: size() reads the map without the read lock
 * Rejected by: RwLockUserMapTest.sizeOnAnotherThreadSeesALogin
 * </pre>
 *
 * @param name       the directory name, e.g. {@code unlocked-size}
 * @param sources    file name -> text, each replacing the stub file of that name
 * @param mistake    the "Wrong solution:" line
 * @param rejectedBy {@code TestClass.method} entries of the "Rejected by:" line: at least one of them
 *                   must fail (others may fail too)
 */
public record Mutant(String name, Map<String, String> sources, String mistake, List<String> rejectedBy) {
    private static final Pattern MISTAKE = Pattern.compile("(?m)^\\s*\\*?\\s*Wrong solution:\\s*(.+)$");
    private static final Pattern REJECTED_BY = Pattern.compile("(?m)^\\s*\\*?\\s*Rejected by:\\s*(.+)$");

    public Mutant {
        sources = Map.copyOf(sources);
        rejectedBy = List.copyOf(rejectedBy);
    }

    static Mutant read(String name, Map<String, String> sources) {
        String mistake = "";
        List<String> rejectedBy = new ArrayList<>();
        for (String text : sources.values()) {
            Matcher m = MISTAKE.matcher(text);
            if (m.find() && mistake.isEmpty()) {
                mistake = m.group(1).strip();
            }
            Matcher r = REJECTED_BY.matcher(text);
            if (r.find()) {
                for (String test : r.group(1).split(",")) {
                    if (!test.isBlank()) {
                        rejectedBy.add(test.strip());
                    }
                }
            }
        }
        return new Mutant(name, sources, mistake, rejectedBy);
    }

    /** True if {@code failure} is one of the tests this mutant names as the one that rejects it. */
    boolean namedIn(Verdict.Failure failure) {
        for (String test : rejectedBy) {
            int dot = test.lastIndexOf('.');
            String cls = test.substring(0, dot);
            String method = Report.words(test.substring(dot + 1) + "()");
            boolean sameClass = failure.testClass().equals(cls) || failure.testClass().startsWith(cls + "$");
            if (sameClass && failure.test() != null && failure.test().startsWith(method)) {
                return true;
            }
        }
        return false;
    }
}
