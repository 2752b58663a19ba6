package lockfree.common.testkit;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Turns a hung test into a verdict that says what hangs, instead of a frozen build or a timeout.
 *
 * <p>Registered for every test of the build (auto-detected, like {@link LeakGuard}). Each test
 * body runs on a thread of its own, named after the test, while the thread that started it
 * watches: once the test has run for a {@link #LOOK}, it takes a snapshot of all threads every
 * quarter second and compares each with the one before ({@link Stalls}). A deadlock, or a thread
 * waiting for a read-write lock's write lock while read locks stay held, seen in every snapshot of
 * a whole look, is a state no amount of waiting ends, so the test fails with the threads named;
 * the body's thread is interrupted and left behind (a thread parked in
 * {@code ReentrantReadWriteLock.lock()} cannot be woken any other way, which is why JUnit's own
 * {@code @Timeout} hangs on it). Only a test that keeps moving yet never ends meets the last
 * resort, {@link #BUDGET}: generous, scaled by {@link Patience}, and reported with the stacks.
 *
 * <p>There is no per-test time limit: a correct test on a busy machine is slower, not stuck.
 */
public final class Watchdog implements InvocationInterceptor {
    /** How long every snapshot must show the same stuck state before it is a verdict. */
    static final Duration LOOK = Patience.seconds(10);
    /** How often a test still running after a look is sampled. */
    private static final Duration EVERY = Duration.ofMillis(250);
    /** The last resort for a test that keeps moving but never ends. */
    static final Duration BUDGET = Patience.of(Duration.ofMinutes(10));

    /** The project's own code, where a hang is worth naming. */
    private static final Predicate<StackTraceElement> OURS = f -> f.getClassName().startsWith("lockfree.");

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                            ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext call,
                                     ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    private static void watch(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        watch(invocation::proceed, "test " + context.getDisplayName(), LOOK, BUDGET);
    }

    /** A test body. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    /** Runs {@code test} on a thread called {@code name}, watched as the class comment says. */
    static void watch(Body test, String name, Duration look, Duration budget) throws Throwable {
        // Threads a previous test left stuck are never blamed for this one.
        Set<Long> stuckAlready = Stalls.sample().blocked();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread body = new Thread(() -> {
            try {
                test.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        body.setDaemon(true);
        body.start();
        long start = System.nanoTime();
        // Most tests end within a look: they are never sampled (a snapshot of every thread stops
        // the JVM for a moment).
        body.join(look.toMillis());
        Stalls.Watching stuck = new Stalls.Watching(look, OURS, stuckAlready);
        stuck.next(Stalls.sample());
        while (body.isAlive()) {
            body.join(EVERY.toMillis());
            if (!body.isAlive()) {
                break;
            }
            Stalls.Sample now = Stalls.sample();
            Optional<String> verdict = stuck.next(now);
            if (verdict.isPresent()) {
                body.interrupt();
                throw new AssertionError(verdict.get() + "\n" + now.stacks(OURS));
            }
            if (System.nanoTime() - start > budget.toNanos()) {
                body.interrupt();
                throw new AssertionError("no verdict after " + budget.toSeconds() + " s"
                        + " (-Dlockfree.patience multiplies it) and no deadlock the JVM can see: a livelock,"
                        + " a lost wake-up, or threads waiting on a lock the JVM does not track (a StampedLock);"
                        + " the test's threads:\n" + now.stacks(OURS));
            }
        }
        Throwable thrown = failure.get();
        if (thrown != null) {
            throw thrown;
        }
    }
}
