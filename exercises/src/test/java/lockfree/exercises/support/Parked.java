package lockfree.exercises.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A call on a thread of its own, for the tests that hold a writer in the middle of its change and
 * ask whether a reader waits for it. A reader that waits for a {@code java.util.concurrent.locks}
 * lock parks with that lock as its blocker; a reader that took no lock, or one the writer does not
 * exclude, returns. Which of the two comes first is the answer, with no timing in it: the writer
 * holds still until it is known.
 *
 * <p>Only a park on such a lock counts: a thread also stops for a moment in other places (BLOCKED
 * on a class loader's lock while it loads a class), and taking that for "waits for the writer"
 * would let an unlocked read pass.
 */
public final class Parked<T> {
    private final Thread thread;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private Parked(String name, Supplier<T> call) {
        thread = new Thread(() -> {
            try {
                result.complete(call.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        // Daemon: a wrong solution can leave it parked on a lock nobody releases, and the runner's
        // JVM must still exit.
        thread.setDaemon(true);
    }

    /** Starts {@code call} on a new thread named {@code name}. */
    public static <T> Parked<T> start(String name, Supplier<T> call) {
        Parked<T> p = new Parked<>(name, call);
        p.thread.start();
        return p;
    }

    /**
     * Waits until the call parks on a lock (true) or returns (false), whichever happens first. If the call
     * threw, rethrows that, wrapped, so the report shows the learner's exception; if neither
     * happens within {@code limit}, fails.
     */
    public boolean parksBeforeReturning(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Object blocker = LockSupport.getBlocker(thread);
            if (blocker != null && blocker.getClass().getName().startsWith("java.util.concurrent.locks.")
                    && thread.getState() == Thread.State.WAITING) {
                return true;
            }
            if (result.isCompletedExceptionally()) {
                result.get(); // throws an ExecutionException around what the call threw
            }
            if (result.isDone()) {
                return false;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("'" + thread.getName() + "' neither returned nor parked on a java.util.concurrent lock within " + limit.toSeconds() + " s");
            }
            Thread.onSpinWait();
        }
    }

    /** Whether the call has returned (or thrown). */
    public boolean isDone() {
        return result.isDone();
    }

    /** The call's result, waiting up to {@code limit} for it. */
    public T get(Duration limit) throws Exception {
        return result.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    }
}
