package lockfree.common.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for a Netty channel and its event loop, for testing and benchmarking a
 * {@link lockfree.common.contract.SendQueue} without a socket.
 *
 * <p>The "event loop" is one daemon thread. Everything a drain does to this outbound is recorded:
 * each message written or discarded, each flush, and every breach of the rules a drain must keep
 * (see {@link #violations()}): {@code write}, {@code flush} and {@code discard} called from a thread
 * other than the consumer thread, or from two threads at once, and a drain that throws.
 *
 * <p>The connection state is two switches the test flips: {@link #setWritable} (the socket's
 * outbound buffer above or below its high-water mark) and {@link #disconnect} (the peer went
 * away). Like a Netty channel, a disconnected outbound also reports itself not writable, so a
 * drain that only checks writability would strand messages on close, and the contract catches it.
 *
 * <p>A test offers, then calls {@link #awaitQuiescence} to wait until every drain that was
 * scheduled has run, then reads what was recorded. {@link #close()} stops the thread.
 *
 * <pre>{@code
 * try (RecordingOutbound<String> out = new RecordingOutbound<>("conn-1")) {
 *     SendQueue<String> q = factory.create(1024, out);
 *     q.offer("a");
 *     out.awaitQuiescence(Duration.ofSeconds(5));
 *     assertEquals(List.of("a"), out.written());
 * }
 * }</pre>
 *
 * @param <E> the message type
 */
public final class RecordingOutbound<E> implements Outbound<E>, AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ThreadPoolExecutor eventLoop;
    private final Thread consumerThread;
    private final boolean keepMessages;

    /* Flipped by the test thread, read by the drain: volatile, as a channel's writability is. */
    private volatile boolean writable = true;
    private volatile boolean open = true;
    /* Writes left before the outbound turns unwritable by itself; negative means no limit. */
    private volatile int writesUntilUnwritable = -1;

    /* Counted on submission, so a drain scheduled after a quiet check still changes the count. */
    private final AtomicLong executes = new AtomicLong();
    /* Run once inside the next flush(), then cleared; see duringNextFlush(). */
    private final AtomicReference<Runnable> nextFlushAction = new AtomicReference<>();
    /* Which thread is inside write/flush/discard right now: two at once means overlapping drains. */
    private final AtomicReference<Thread> inside = new AtomicReference<>();

    /*
     * The record. A correct drain touches it from the consumer thread only, but a broken one may
     * call in from producer threads, and that is exactly when we must not lose or corrupt entries,
     * so it is updated under `lock` rather than trusting the thread confinement we expect. The
     * counters are also volatile so a test or benchmark can poll them without taking the lock
     * (and without slowing the drain it is watching).
     */
    private final Object lock = new Object();
    private final List<E> written = new ArrayList<>();
    private final List<E> discarded = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private volatile long writeCount;
    private volatile long discardCount;
    private volatile long flushCount;
    private long writesSinceFlush;

    /** An outbound that keeps every written and discarded message, for tests. */
    public RecordingOutbound(String name) {
        this(name, true);
    }

    /**
     * @param name         names the consumer thread ({@code outbound-<name>-<n>})
     * @param keepMessages false to count writes and discards without keeping the messages, so a
     *                     benchmark can push millions through without filling the heap
     */
    public RecordingOutbound(String name, boolean keepMessages) {
        this.keepMessages = keepMessages;
        String threadName = "outbound-" + name + "-" + INSTANCES.incrementAndGet();
        AtomicReference<Thread> created = new AtomicReference<>();
        this.eventLoop = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            created.compareAndSet(null, t);
            return t;
        });
        // Start the one worker now so we know which thread the drains must run on. It never
        // dies (execute() catches what a drain throws), so no second thread is ever made.
        eventLoop.prestartCoreThread();
        this.consumerThread = created.get();
    }

    // ---- Outbound ----------------------------------------------------------------------------

    @Override
    public void execute(Runnable drain) {
        executes.incrementAndGet();
        eventLoop.execute(() -> {
            try {
                drain.run();
            } catch (Throwable t) {
                // Netty's event loop logs and survives a throwing task; we record it instead, and
                // keep the one consumer thread alive so later thread checks stay meaningful.
                violation("a drain threw " + t);
            }
        });
    }

    @Override
    public boolean isWritable() {
        return open && writable;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void write(E message) {
        Thread me = enter("write");
        try {
            synchronized (lock) {
                writeCount++;
                writesSinceFlush++;
                if (keepMessages) {
                    written.add(message);
                }
            }
            int left = writesUntilUnwritable;
            if (left > 0) {
                // Only the consumer thread gets here in a correct drain, so a plain read-modify-write
                // of this volatile is enough; it models the buffer crossing its high-water mark.
                writesUntilUnwritable = --left;
                if (left == 0) {
                    writable = false;
                }
            }
        } finally {
            exit(me);
        }
    }

    @Override
    public void flush() {
        Thread me = enter("flush");
        try {
            synchronized (lock) {
                flushCount++;
                writesSinceFlush = 0;
            }
            Runnable action = nextFlushAction.getAndSet(null);
            if (action != null) {
                action.run();
            }
        } finally {
            exit(me);
        }
    }

    @Override
    public void discard(E message) {
        Thread me = enter("discard");
        try {
            synchronized (lock) {
                discardCount++;
                if (keepMessages) {
                    discarded.add(message);
                }
            }
        } finally {
            exit(me);
        }
    }

    private Thread enter(String call) {
        Thread me = Thread.currentThread();
        if (me != consumerThread) {
            violation(call + " on " + me.getName() + ", not on the consumer thread " + consumerThread.getName());
        }
        Thread other = inside.compareAndExchange(null, me);
        if (other != null && other != me) {
            violation(call + " on " + me.getName() + " overlapped a call on " + other.getName());
        }
        return me;
    }

    private void exit(Thread me) {
        inside.compareAndSet(me, null);
    }

    private void violation(String what) {
        synchronized (lock) {
            violations.add(what);
        }
    }

    // ---- switches ----------------------------------------------------------------------------

    /**
     * Moves the socket's buffer below (true) or above (false) its high-water mark. The queue is
     * not told: as the gateway does on {@code channelWritabilityChanged}, call
     * {@code scheduleDrain()} after turning writability back on.
     */
    public void setWritable(boolean writable) {
        this.writesUntilUnwritable = -1;
        this.writable = writable;
    }

    /**
     * Makes the outbound writable for exactly {@code writes} more writes, after which it turns
     * unwritable by itself, like a socket buffer filling up in the middle of a drain.
     */
    public void setWritableFor(int writes) {
        if (writes <= 0) {
            throw new IllegalArgumentException("writes must be positive, got " + writes);
        }
        this.writesUntilUnwritable = writes;
        this.writable = true;
    }

    /** The connection closed: from now on the outbound is neither open nor writable. */
    public void disconnect() {
        open = false;
    }

    /**
     * Runs {@code action} on the consumer thread inside the next {@link #flush()}, after the flush
     * is recorded. While it runs the drain is stuck in that flush, so a test can make something
     * happen at an exact point of a drain: e.g. offer from another thread after the drain's last
     * poll and before it decides it is done.
     */
    public void duringNextFlush(Runnable action) {
        nextFlushAction.set(action);
    }

    // ---- waiting -----------------------------------------------------------------------------

    /**
     * Waits until the consumer thread has run every drain scheduled so far and no new one has been
     * scheduled since. Call it once producers have stopped; while they run there is no quiet point.
     *
     * <p>How: queue a marker task and wait for it. The executor is FIFO, so when the marker runs,
     * every drain submitted before it has finished. If no {@link #execute} happened between two
     * consecutive markers, nothing ran after the first marker either, so the record is final.
     *
     * @throws TimeoutException if that does not happen within {@code timeout}, e.g. because a drain
     *                          keeps rescheduling itself or blocks the consumer thread
     */
    public void awaitQuiescence(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long before = -1;
        while (true) {
            CountDownLatch marker = new CountDownLatch(1);
            eventLoop.execute(marker::countDown);
            if (!marker.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("the consumer thread did not go quiet within " + timeout + ": " + this);
            }
            long after = executes.get();
            if (after == before) {
                return;
            }
            before = after;
        }
    }

    // ---- the record --------------------------------------------------------------------------

    /** The messages written, in order (empty if messages are not kept). */
    public List<E> written() {
        synchronized (lock) {
            return List.copyOf(written);
        }
    }

    /** The messages discarded, in order (empty if messages are not kept). */
    public List<E> discarded() {
        synchronized (lock) {
            return List.copyOf(discarded);
        }
    }

    /** Every rule a drain broke, in words; empty for a correct queue. */
    public List<String> violations() {
        synchronized (lock) {
            return List.copyOf(violations);
        }
    }

    /** Messages written so far; readable without locking, so a test may spin on it. */
    public long writeCount() {
        return writeCount;
    }

    public long discardCount() {
        return discardCount;
    }

    public long flushCount() {
        return flushCount;
    }

    /** Messages written after the last flush: they would sit in the channel, never reaching the socket. */
    public long unflushedWrites() {
        synchronized (lock) {
            return writesSinceFlush;
        }
    }

    /** How many drains were handed to {@link #execute}: shows how often a queue wakes the event loop. */
    public long executeCount() {
        return executes.get();
    }

    /** The thread every drain must run on. */
    public Thread consumerThread() {
        return consumerThread;
    }

    /** Stops the consumer thread; drains still queued are dropped. */
    @Override
    public void close() {
        eventLoop.shutdownNow();
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "RecordingOutbound{" + consumerThread.getName() + ", writes=" + writeCount + ", discards="
                    + discardCount + ", flushes=" + flushCount + ", executes=" + executes.get() + ", open=" + open
                    + ", writable=" + writable + ", violations=" + violations.size() + '}';
        }
    }
}
