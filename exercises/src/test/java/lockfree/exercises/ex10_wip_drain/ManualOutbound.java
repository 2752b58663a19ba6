package lockfree.exercises.ex10_wip_drain;

import lockfree.common.Outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An outbound whose "event loop" is whichever test thread calls {@link #runPending}: scheduled
 * drains wait in a queue until then. That puts the drain on a thread the test (and Lincheck)
 * controls, instead of a real executor thread Lincheck cannot see.
 */
final class ManualOutbound implements Outbound<String> {
    private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    /* Touched only by drains, which the tests run on one thread at a time (ordered by join). */
    final List<String> written = new ArrayList<>();
    int flushes;
    boolean overlapped;

    @Override
    public void execute(Runnable drain) {
        pending.add(drain);
    }

    /** Runs scheduled drains, including any they schedule, until none is left. */
    void runPending() {
        Runnable r;
        while ((r = pending.poll()) != null) {
            if (!draining.compareAndSet(false, true)) {
                overlapped = true;
            }
            try {
                r.run();
            } finally {
                draining.set(false);
            }
        }
    }

    int pendingCount() {
        return pending.size();
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void write(String message) {
        written.add(message);
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void discard(String message) {
        throw new AssertionError("nothing is discarded while the outbound is open, but " + message + " was");
    }
}
