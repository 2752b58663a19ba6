package lockfree.exercises.support;

import org.jetbrains.lincheck.Lincheck;

/**
 * A race in a fixed scenario, checked by Lincheck through its interleavings: the same result on
 * every run, where real threads meet the bad interleaving only sometimes.
 *
 * <p>The scenario runs once on plain threads first. Code that fails without any race (a stub's
 * {@code TODO}, a wrong answer on the easy path) fails there, in milliseconds, with its own
 * exception and stack, instead of after Lincheck has explored and replayed an interleaving to
 * describe it step by step.
 *
 * <p>The runner runs every test class that uses this (or Lincheck) in a JVM of its own: Lincheck
 * must instrument the classes of this check, not the copies the runner's JVM already holds.
 */
public final class Races {
    private Races() {
    }

    /** Runs {@code race} once on plain threads, then through up to {@code interleavings} interleavings. */
    public static void check(int interleavings, Runnable race) {
        race.run();
        Lincheck.runConcurrentTest(interleavings, race);
    }
}
