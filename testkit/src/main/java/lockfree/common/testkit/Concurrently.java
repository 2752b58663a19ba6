package lockfree.common.testkit;

import java.time.Duration;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs a test body on several threads at once: the harness of every concurrent test in the kit. */
public final class Concurrently {
    private Concurrently() {
    }

    /** One thread's part; an AssertionError thrown here fails the test. */
    @FunctionalInterface
    public interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /**
     * Runs {@code body} on {@code threads} new threads released together by a start gate (so they
     * really overlap instead of finishing one by one as they are created) and waits for all of
     * them until {@code deadline}. The first failure is rethrown as it was thrown and the other
     * threads are interrupted, so a thread waiting for the failed one gives up.
     */
    public static void run(int threads, Duration deadline, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "test-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<Void> running = new ExecutorCompletionService<>(pool);
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < threads; i++) {
                int index = i;
                running.submit(() -> {
                    start.await();
                    body.run(index);
                    return null;
                });
            }
            start.countDown();
            long end = System.nanoTime() + deadline.toNanos();
            for (int i = 0; i < threads; i++) {
                Future<Void> done = running.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (done == null) {
                    fail("the test threads did not finish within " + deadline);
                }
                try {
                    done.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw (Exception) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
