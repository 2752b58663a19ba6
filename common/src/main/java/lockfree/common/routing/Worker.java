package lockfree.common.routing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One thread that runs {@code step} while there is work and sleeps when there is none, woken by
 * {@link #wake()} from any thread. The Redis router runs two: the publisher (local queue to Redis)
 * and the inbox (Redis to local sessions).
 *
 * <p>The wake-up costs a producer one volatile read in the common case (the worker is awake), and
 * one CAS plus an unpark only when it was asleep. The protocol that makes a lost wake-up
 * impossible:
 * <pre>
 * producer: enqueue(item); if (!awake) { awake = true; unpark(worker) }
 * worker:   awake = false; if (nothing queued) park(); awake = true
 * </pre>
 * All four steps are sequentially consistent (the queues enqueue with a CAS; {@code awake} is an
 * {@link AtomicBoolean}), so one of two things is true for every item: either the producer read
 * {@code awake} after the worker cleared it, and unparks it (an unpark before the park makes the
 * park return at once), or it read it before, so its enqueue came before the worker's clear and
 * the worker's re-check sees the item and does not park.
 */
final class Worker implements AutoCloseable {
    private final Thread thread;
    private final BooleanSupplier step;
    private final BooleanSupplier hasWork;
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private volatile boolean running = true;

    /**
     * @param step    does some work; returns false when it found none
     * @param hasWork true if a {@code step} now would find work; checked before parking
     */
    Worker(String name, BooleanSupplier step, BooleanSupplier hasWork) {
        this.step = step;
        this.hasWork = hasWork;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Makes sure the worker runs a step soon. Any thread; cheap when it is already awake. */
    void wake() {
        if (!awake.get() && awake.compareAndSet(false, true)) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (running) {
            if (!step.getAsBoolean()) {
                awake.set(false);
                if (running && !hasWork.getAsBoolean()) {
                    LockSupport.park(this);
                }
                awake.set(true);
            }
        }
    }

    /** Stops after the current step and waits for the thread to end (bounded). */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
