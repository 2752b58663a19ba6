package lockfree.exercises.runner;

import lockfree.common.testkit.Patience;
import lockfree.common.testkit.Stalls;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs a check's tests on a thread of their own and watches them, so that a test that stops
 * making progress becomes a verdict that says why, instead of a frozen terminal.
 *
 * <p>No time limit decides it: a slow machine makes a correct solution slower, not stuck. What
 * decides it is the threads' state ({@link Stalls}): a deadlock, or a thread waiting for a
 * read-write lock's write lock while read locks stay held, seen in every snapshot of a whole
 * {@link #LOOK} (the test kit's rule, {@link Stalls.Watching}), is final; a thread running inside
 * one call of the learner's code in every snapshot for {@link #SPIN} is a loop that does not end.
 * Both are short, so a hang is answered within seconds of the quick check's own time.
 *
 * <p>A thread cannot be killed safely. After a verdict the tests' thread is interrupted and left
 * behind; the caller stops listening to it. (In a forked test JVM, the JVM then exits.)
 */
final class Watch {
    /** How long every snapshot must show the same deadlock before it is a verdict. */
    static final Duration LOOK = Patience.of(Duration.ofSeconds(3));
    /** How long a thread must stay inside one call of the learner's code, running, to be called a spin. */
    static final Duration SPIN = Patience.of(Duration.ofSeconds(5));
    /** Snapshots are taken this often; a spin must show in every one of them. */
    private static final long EVERY_MILLIS = 250;

    /** What the watch saw: the verdict in a line or two, and the stacks of the learner's code for --full. */
    record Stuck(String verdict, String stacks) {
    }

    private Watch() {
    }

    /**
     * Runs {@code body} on a daemon thread called {@code name} and waits for it. Returns empty when
     * it finished, or why it never will. Threads in {@code ignore} are never blamed (a previous
     * check's stuck threads, say).
     *
     * @param ours    the frames of the learner's code, where a spin is worth naming
     * @param onStuck told first, before the tests' thread is interrupted (so that what the
     *                interrupt makes the tests report can be ignored)
     */
    static Optional<Stuck> run(String name, Runnable body, Predicate<StackTraceElement> ours, Set<Long> ignore,
                               Consumer<Stuck> onStuck) throws InterruptedException {
        Thread tests = new Thread(body, name);
        tests.setDaemon(true);
        tests.start();
        Stalls.Watching stuck = new Stalls.Watching(LOOK, ours, ignore);
        Deque<Stalls.Sample> samples = new ArrayDeque<>();
        long spinSamples = Math.max(2, SPIN.toMillis() / EVERY_MILLIS);
        while (true) {
            tests.join(EVERY_MILLIS);
            if (!tests.isAlive()) {
                return Optional.empty();
            }
            Stalls.Sample now = Stalls.sample();
            samples.addLast(now);
            while (samples.size() > spinSamples) {
                samples.removeFirst();
            }
            Optional<String> verdict = stuck.next(now);
            if (verdict.isEmpty() && samples.size() >= spinSamples) {
                verdict = Stalls.spinning(new ArrayList<>(samples), ours, SPIN.toSeconds(), ignore);
            }
            if (verdict.isPresent()) {
                Stuck found = new Stuck(verdict.get(), now.stacks(ours));
                onStuck.accept(found);
                tests.interrupt();
                return Optional.of(found);
            }
        }
    }

    /** The frames of the learner's files in the exercise's package. */
    static Predicate<StackTraceElement> learnerCode(String packageName, Set<String> mainFiles) {
        return f -> f.getClassName().startsWith(packageName + ".") && mainFiles.contains(f.getFileName());
    }
}
