package lockfree.stage3;

import lockfree.common.Outbound;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * An {@link Outbound} whose "event loop" runs only when the test says so, so a test decides
 * exactly where a drain is when something else happens. Single-threaded use unless noted.
 */
final class ScriptedOutbound<E> implements Outbound<E> {
    final Queue<Runnable> pending = new ArrayDeque<>();
    final List<E> written = new ArrayList<>();
    final List<E> discarded = new ArrayList<>();
    int executeCalls;
    int flushes;
    volatile boolean writable = true;
    volatile boolean open = true;

    /** Runs inside flush(), after the flush is counted: the point where a drain has just seen its queue empty. */
    Runnable onFlush = () -> { };

    @Override
    public synchronized void execute(Runnable drain) {
        executeCalls++;
        pending.add(drain);
    }

    /** Runs the drains scheduled so far, in order, on the calling thread; returns how many ran. */
    int runPending() {
        int ran = 0;
        Runnable r;
        while ((r = poll()) != null) {
            r.run();
            ran++;
        }
        return ran;
    }

    private synchronized Runnable poll() {
        return pending.poll();
    }

    synchronized int executeCalls() {
        return executeCalls;
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

    @Override
    public void discard(E message) {
        discarded.add(message);
    }
}
