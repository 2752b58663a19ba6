package lockfree.exercises.support;

/**
 * Runs a few actions on their own threads at once, for the exercise tests that Lincheck
 * model-checks. Inside {@code Lincheck.runConcurrentTest} these threads are the ones whose
 * interleavings Lincheck explores; outside it they are ordinary threads.
 *
 * <p>What an action throws is rethrown on the calling thread after all have finished, so the test
 * fails with the learner's exception (say, the stub's {@code UnsupportedOperationException}) rather
 * than a stack trace on stderr and a test that passes anyway.
 */
public final class Together {
    private Together() {
    }

    public static void run(Runnable... actions) {
        Thread[] threads = new Thread[actions.length];
        Throwable[] thrown = new Throwable[actions.length];
        for (int i = 0; i < actions.length; i++) {
            int index = i;
            threads[i] = new Thread(() -> {
                try {
                    actions[index].run();
                } catch (Throwable t) {
                    thrown[index] = t;
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the test threads", e);
            }
        }
        // join() orders each thread's writes (including thrown[i]) before this read.
        for (Throwable t : thrown) {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new AssertionError(t);
            }
        }
    }
}
