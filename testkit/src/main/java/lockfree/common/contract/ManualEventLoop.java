package lockfree.common.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The smallest {@link Outbound} a test can drive step by step: {@link #execute} only queues the
 * drain, and the test runs what is queued by calling {@link #runPending()}, so the test decides
 * exactly where a drain is when something else happens.
 *
 * <p>In a jcstress test the "event loop" actor calls {@link #runPending()}, and the arbiter calls
 * it once more after all actors finished, standing for the event loop running later: a message
 * that is still in the send queue after that was stranded, because no drain was left to find it.
 * In a unit test, {@link #onFlush} stops a drain at the moment it has just seen its queue empty.
 *
 * <p>Only one thread at a time runs drains (the event-loop actor, then the arbiter, which jcstress
 * runs after the actors, with a happens-before edge), so {@link #write}, {@link #flush} and
 * {@link #discard} need no synchronization, as on a real event loop; {@link #execute} may be
 * called from any thread. {@link RecordingOutbound} runs drains on a thread of its own, which a
 * jcstress test cannot wait for; this one runs them where the test says.
 *
 * <p>Open and writable unless a test says otherwise: the jcstress tests are about scheduling, not
 * back-pressure, and the unit tests flip {@link #writable} and {@link #open} between steps.
 */
public final class ManualEventLoop<E> implements Outbound<E> {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger executeCalls = new AtomicInteger();
    /*
     * Drains scheduled and not yet started, and the most there ever were at once. Not "until
     * finished": a drain that has seen the queue empty and released its flag or counter may still
     * be returning when a producer schedules the next one, which is correct, since the event loop
     * runs them one after the other.
     */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger maxWaiting = new AtomicInteger();
    /*
     * Set while a drain runs. A real event loop runs one task at a time; if a second drain starts
     * while one is running (runPending called from two threads, or from inside a drain), the
     * queue under test relied on something an event loop never does.
     */
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean overlapped;

    /** What the drains wrote, in order. Read it after {@link #runPending()}, on the same thread. */
    public final List<E> written = new ArrayList<>();
    /** What the drains discarded because the outbound was closed, in order. */
    public final List<E> discarded = new ArrayList<>();
    /** Flushes the drains made. */
    public int flushes;
    /** What {@link #isWritable()} answers; a test sets it between steps (volatile: a producer thread may read it). */
    public volatile boolean writable = true;
    /** What {@link #isOpen()} answers; a test sets it between steps. */
    public volatile boolean open = true;
    /** Runs inside {@link #flush()}, after the flush is counted: where a drain has just seen its queue empty. */
    public Runnable onFlush = () -> { };

    @Override
    public void execute(Runnable drain) {
        executeCalls.incrementAndGet();
        maxWaiting.accumulateAndGet(waiting.incrementAndGet(), Math::max);
        tasks.add(drain);
    }

    /** Runs every queued drain, including ones they schedule, on the calling thread; returns how many ran. */
    public int runPending() {
        int ran = 0;
        Runnable task;
        while ((task = tasks.poll()) != null) {
            waiting.decrementAndGet();
            if (!draining.compareAndSet(false, true)) {
                overlapped = true;
            }
            try {
                task.run();
            } finally {
                draining.set(false);
            }
            ran++;
        }
        return ran;
    }

    /** Drains scheduled and not yet run. */
    public int waiting() {
        return waiting.get();
    }

    /** Whether two drains ever ran at once, which an event loop never does. */
    public boolean overlapped() {
        return overlapped;
    }

    /** How many drains were scheduled, run or not. */
    public int executeCalls() {
        return executeCalls.get();
    }

    /** The most drains that were scheduled and waiting to run at the same time. */
    public int maxWaiting() {
        return maxWaiting.get();
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void write(E message) {
        written.add(message);
    }

    @Override
    public void flush() {
        flushes++;
        onFlush.run();
    }

    /** A send queue discards only for a closed outbound; a discard while open is a bug in it. */
    @Override
    public void discard(E message) {
        if (open) {
            throw new AssertionError("discarded while the outbound is open: " + message);
        }
        discarded.add(message);
    }
}
