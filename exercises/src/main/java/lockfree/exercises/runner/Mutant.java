package lockfree.exercises.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * A wrong solution of an exercise, kept to prove that the exercise's tests reject it. It is stored
 * as the mistake alone, {@code exercises/mutants/<exercise>/<name>.mutant}, and made into a whole
 * stub file by editing the reference solution, so a change to the solution reaches every mutant
 * and a mutant whose text the solution no longer contains fails the build instead of going stale:
 *
 * <pre>
 * Wrong solution: size() reads the size field without the read lock
 * Rejected by: RwLockUserMapStressTest.sizeOnAnotherThreadSeesALogin
 * File: RwLockUserMap.java
 *
 * &lt;&lt;&lt;&lt;&lt;&lt;&lt; solution
 *         lock.readLock().lock();
 *         ...
 * =======
 *         return users.size();
 * &gt;&gt;&gt;&gt;&gt;&gt;&gt; mistake
 * </pre>
 *
 * Each block replaces whole lines of the solution, which must occur exactly once; an empty lower
 * half deletes them. Blocks apply in order.
 *
 * @param name       the file name without {@code .mutant}, e.g. {@code unlocked-size}
 * @param file       the stub file it replaces, e.g. {@code RwLockUserMap.java}
 * @param mistake    the "Wrong solution:" line
 * @param rejectedBy {@code TestClass.method} entries of the "Rejected by:" line: at least one of them
 *                   must fail (others may fail too); a nested class is {@code Outer$Nested}
 * @param edits      the blocks, in order
 */
public record Mutant(String name, String file, String mistake, List<String> rejectedBy, List<Edit> edits) {
    static final String SOLUTION = "<<<<<<< solution";
    static final String SEPARATOR = "=======";
    static final String MISTAKE = ">>>>>>> mistake";

    /** Lines of the solution ({@code from}, each ending in a newline) and what replaces them. */
    public record Edit(String from, String to) {
    }

    public Mutant {
        rejectedBy = List.copyOf(rejectedBy);
        edits = List.copyOf(edits);
    }

    /**
     * Reads a {@code .mutant} file's text.
     *
     * @param defaultFile the stub file to edit when the text has no "File:" line
     */
    static Mutant parse(String name, String text, String defaultFile) {
        String mistake = "";
        String file = defaultFile;
        List<String> rejectedBy = new ArrayList<>();
        List<Edit> edits = new ArrayList<>();
        StringBuilder from = null;
        StringBuilder to = null;
        for (String line : text.split("\n", -1)) {
            if (line.equals(SOLUTION)) {
                from = new StringBuilder();
            } else if (line.equals(SEPARATOR) && from != null && to == null) {
                to = new StringBuilder();
            } else if (line.equals(MISTAKE) && to != null) {
                edits.add(new Edit(from.toString(), to.toString()));
                from = null;
                to = null;
            } else if (to != null) {
                to.append(line).append('\n');
            } else if (from != null) {
                from.append(line).append('\n');
            } else if (line.startsWith("Wrong solution:")) {
                mistake = line.substring("Wrong solution:".length()).strip();
            } else if (line.startsWith("Rejected by:")) {
                for (String test : line.substring("Rejected by:".length()).split(",")) {
                    if (!test.isBlank()) {
                        rejectedBy.add(test.strip());
                    }
                }
            } else if (line.startsWith("File:")) {
                file = line.substring("File:".length()).strip();
            }
        }
        if (from != null) {
            throw new IllegalArgumentException("mutant " + name + ": a block that opens with '" + SOLUTION
                    + "' must close with '" + MISTAKE + "'");
        }
        return new Mutant(name, file, mistake, rejectedBy, edits);
    }

    /** The stub file with the mistake in it: {@code solution} with every edit applied, in order. */
    String apply(String solution) {
        String text = solution;
        for (Edit edit : edits) {
            int at = text.indexOf(edit.from());
            if (edit.from().isEmpty() || at < 0 || text.indexOf(edit.from(), at + 1) >= 0) {
                throw new IllegalStateException("mutant " + name + ": the reference solution " + file + " must contain these lines"
                        + " exactly once, and " + (at < 0 ? "does not contain them" : "has them more than once")
                        + " (did the solution change? update the .mutant file):\n" + edit.from());
            }
            text = text.substring(0, at) + edit.to() + text.substring(at + edit.from().length());
        }
        return text;
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
