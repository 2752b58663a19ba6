package lockfree.common.contract;

import lockfree.common.Outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The smallest {@link Outbound} a jcstress test can drive: {@link #execute} only queues the drain,
 * and the test's "event loop" actor runs what is queued by calling {@link #runPending()}. The
 * arbiter calls it once more after all actors finished, standing for the event loop running later:
 * a message that is still in the send queue after that was stranded, because no drain was left
 * to find it.
 *
 * <p>Only one thread at a time runs drains (the event-loop actor, then the arbiter, which jcstress
 * runs after the actors, with a happens-before edge), so {@link #write} and {@link #flush} need no
 * synchronization, as on a real event loop. {@link RecordingOutbound} runs drains on a thread of
 * its own, which a jcstress test cannot wait for; this one runs them where the test says. The
 * jcstress tests of stage 2's and stage 3's send queues both use it.
 *
 * <p>Always open and writable: these tests are about scheduling, not back-pressure.
 */
public final class ManualEventLoop<E> implements Outbound<E> {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /*
     * Drains scheduled and not yet started, and the most there ever were at once. Not "until
     * finished": a drain that has seen the queue empty and released its flag or counter may still
     * be returning when a producer schedules the next one, which is correct, since the event loop
     * runs them one after the other.
     */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger maxWaiting = new AtomicInteger();

    /** What the drains wrote, in order. Read it after {@link #runPending()}, on the same thread. */
    public final List<E> written = new ArrayList<>();
    /** Flushes the drains made. */
    public int flushes;

    @Override
    public void execute(Runnable drain) {
        maxWaiting.accumulateAndGet(waiting.incrementAndGet(), Math::max);
        tasks.add(drain);
    }

    /** Runs every queued drain, including ones they schedule, on the calling thread. */
    public void runPending() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            waiting.decrementAndGet();
            task.run();
        }
    }

    /** The most drains that were scheduled and waiting to run at the same time. */
    public int maxWaiting() {
        return maxWaiting.get();
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
    public void write(E message) {
        written.add(message);
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void discard(E message) {
        throw new AssertionError("never closed, so nothing is discarded: " + message);
    }
}
