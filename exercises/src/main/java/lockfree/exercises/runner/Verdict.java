package lockfree.exercises.runner;

import java.util.List;

/** What one check of an exercise found: it did not compile, or its tests ran with this result. */
public sealed interface Verdict {

    String exercise();

    /** True when everything compiled, at least one test ran, and none failed. */
    boolean passed();

    /** Time spent compiling the package and its tests, in nanoseconds. */
    long compileNanos();

    /** @param errors javac's errors, each with file, line and the offending source line */
    record CompileFailed(String exercise, List<String> errors, long compileNanos) implements Verdict {
        public CompileFailed {
            errors = List.copyOf(errors);
        }

        @Override
        public boolean passed() {
            return false;
        }
    }

    /**
     * @param tests    tests that ran (passed + failed)
     * @param failures the failed tests, and any test class that failed as a whole (e.g. its setup threw)
     */
    record Tested(String exercise, int tests, int skipped, List<Failure> failures, long compileNanos, long testNanos)
            implements Verdict {
        public Tested {
            failures = List.copyOf(failures);
        }

        @Override
        public boolean passed() {
            return tests > 0 && failures.isEmpty();
        }

        public int passedCount() {
            return tests - (int) failures.stream().filter(f -> f.test() != null).count();
        }
    }

    /**
     * One failed test.
     *
     * @param testClass  the test class's simple name
     * @param test       the test's name in words, or null when a whole class failed
     * @param message    what the test said: the assertion message, or the exception and its message
     * @param location   where in the learner's code it went wrong ({@code RwLockUserMap.java:42}), or
     *                   in the test when the learner's code is not on the stack; may be empty
     * @param stackTrace the whole trace, for {@code --full}
     */
    record Failure(String testClass, String test, String message, String location, String stackTrace) {
    }
}
