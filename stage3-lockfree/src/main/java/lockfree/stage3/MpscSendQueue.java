package lockfree.stage3;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;
import org.jctools.queues.unpadded.MpscChunkedUnpaddedArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Stage 3's send queue: a JCTools multi-producer single-consumer queue, and a drain that is
 * scheduled by whichever producer moves a work-in-progress counter off zero.
 *
 * <p><b>The queue.</b> JCTools' chunked MPSC queue is bounded (offer fails when full) but
 * allocates its ring in linked chunks of {@value #CHUNK} slots, growing only as a burst needs room
 * and dropping drained chunks behind the consumer. An idle session therefore holds one small chunk
 * instead of the plan's 1024-slot buffer. A producer claims a slot with one CAS on the producer
 * index; the consumer never CASes.
 *
 * <p>We use its <em>unpadded</em> variant, {@link MpscChunkedUnpaddedArrayQueue}: the same
 * algorithm without the 512 bytes of padding that {@code MpscChunkedArrayQueue} puts between its
 * producer and consumer fields to keep them on separate cache lines. Padding pays for one queue
 * hammered by a producer and a consumer on two cores at once; a gateway has one queue per
 * connection, most of them idle, and a batched drain that touches the consumer side once per
 * batch. At 100,000 connections the padding alone would be tens of megabytes. Measured sizes of every
 * stage's queue are in docs/queue-footprint.txt.
 *
 * <p><b>The capacity.</b> JCTools rounds the bound up to a power of two, and needs at least 4.
 * Powers of two from 4 up are honoured exactly: with capacity 16 and nothing draining, the 17th
 * offer fails. Other values get the next power of two (1000 holds 1024). The bound counts claimed
 * slots: a drain cannot take past a slot whose producer has claimed it and not yet stored its
 * message ({@code relaxedPoll} returns null there), so for that moment an offer may be refused with
 * fewer than the bound ready to write (SendQueue's javadoc says so).
 *
 * <p><b>The drain.</b> {@code wip} counts signals: every successful offer and every
 * {@link #scheduleDrain()} adds one. Only the signal that finds zero schedules a drain; the others
 * just leave their mark, which the running drain collects before it exits:
 * <pre>
 *   producer:  offer(m) -&gt; getAndAdd(wip, +1) == 0 ?  execute(drain)  : (one is scheduled or running)
 *   drain:     missed = 1
 *              loop: write until empty or not writable, flush
 *                    missed = getAndAdd(wip, -missed) - missed
 *                    if missed == 0: exit            else: someone signalled meanwhile, go again
 * </pre>
 * The decrement is the re-check. A producer whose offer lands after the drain saw the queue empty
 * but before the decrement makes the decrement return non-zero, and the drain goes round again;
 * one that lands after the decrement finds zero and schedules a new drain. Either way the message
 * is not stranded, and at most one drain is scheduled or running at any time.
 *
 * <p>The counter is a field of this object, updated through a {@link VarHandle}: no extra
 * {@code AtomicInteger} per session.
 */
public final class MpscSendQueue<E> implements SendQueue<E> {

    /** Slots per chunk: what an idle session holds, and how far a burst grows at a time. */
    static final int CHUNK = 16;

    /** The smallest bound JCTools' chunked queue accepts. */
    private static final int MIN_CAPACITY = 4;

    private static final VarHandle WIP;

    static {
        try {
            WIP = MethodHandles.lookup().findVarHandle(MpscSendQueue.class, "wip", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MpscChunkedUnpaddedArrayQueue<E> queue;
    private final Outbound<E> outbound;

    /*
     * One Runnable per queue, created once, so scheduling a drain allocates nothing. A named class
     * rather than this::drain: it reads better in a stack trace, and JOL can measure it without
     * an agent (a lambda is a hidden class whose field offsets Unsafe will not report).
     */
    private final Runnable drain = new Drain();

    private final class Drain implements Runnable {
        @Override
        public void run() {
            drain();
        }
    }

    /* Signals not yet collected by a drain; 0 means no drain is scheduled or running. */
    @SuppressWarnings("unused")
    private volatile int wip;

    public MpscSendQueue(int capacity, Outbound<E> outbound) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("capacity must be in [1, 2^30], got " + capacity);
        }
        int bound = Math.max(MIN_CAPACITY, capacity);
        // JCTools wants the chunk strictly smaller than the (rounded) bound.
        int chunk = Math.min(CHUNK, Integer.highestOneBit(bound - 1));
        this.queue = new MpscChunkedUnpaddedArrayQueue<>(chunk, bound);
        this.outbound = outbound;
    }

    /** Called by any thread. On false the caller still owns {@code message}. */
    @Override
    public boolean offer(E message) {
        if (!queue.offer(message)) {
            return false;
        }
        signal();
        return true;
    }

    @Override
    public void scheduleDrain() {
        signal();
    }

    /*
     * getAndAdd is a volatile read-modify-write. What it must provide:
     * - atomicity: two producers cannot both see 0, so a drain is never scheduled twice;
     * - release: our element store (inside queue.offer, before this line) must be visible to the
     *   drain whose decrement reads our increment, or that drain would go round again, find the
     *   slot still empty, and exit with our message inside.
     * The volatile mode also gives acquire, which matters only if execute() ran successive drains
     * on different threads: then the next drain must see everything the previous one did. Netty
     * runs them on one event loop, but the queue does not rely on it. On x86 every getAndAdd is
     * the same LOCK XADD whatever the mode.
     */
    private void signal() {
        if ((int) WIP.getAndAdd(this, 1) == 0) {
            outbound.execute(drain);
        }
    }

    /* Runs only via outbound.execute, one at a time (see signal). */
    private void drain() {
        int missed = 1; // the signal that scheduled us
        for (;;) {
            drainPass();
            // The re-check. Needs acquire (to see the elements of producers whose signals we
            // collect, see signal) and release (to hand our consumer-side work to the next
            // drain); the volatile getAndAdd is both. Subtracting exactly what we have seen,
            // rather than storing 0, keeps the signals that arrive during this very instruction.
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
            if (missed == 0) {
                return;
            }
        }
    }

    /*
     * One batch: write while the connection takes more, then one flush for everything written.
     *
     * relaxedPoll, not poll: a producer that has claimed a slot but not yet stored its element
     * makes poll() spin until it does, and that producer may have been descheduled; the event
     * loop would spin with it. relaxedPoll returns null instead. The message is not lost: its
     * producer signals only after the store, so either this drain collects that signal and goes
     * round again, or the signal finds zero and schedules a new drain.
     *
     * A pass cannot grow without bound: Netty counts written-but-unflushed bytes against the
     * channel's high-water mark, so isWritable() turns false and ends the pass.
     */
    private void drainPass() {
        Outbound<E> out = outbound;
        int written = 0;
        E message;
        while (out.isOpen() && out.isWritable() && (message = queue.relaxedPoll()) != null) {
            out.write(message);
            written++;
        }
        if (written > 0) {
            out.flush();
        }
        if (!out.isOpen()) {
            // Closed: everything queued now, and anything offered later (a later pass or a later
            // drain), is released instead of written.
            while ((message = queue.relaxedPoll()) != null) {
                out.discard(message);
            }
        }
        // Not writable: leave the rest queued; the gateway calls scheduleDrain() when the
        // channel becomes writable again.
    }

    /* Approximate while producers or the drain are active, as the interface allows. */
    @Override
    public int size() {
        return queue.size();
    }

    /** The bound actually enforced: the requested capacity rounded up to a power of two, min 4. */
    public int capacity() {
        return queue.capacity();
    }

    /** Signals not yet collected; 0 when the queue is quiescent. For tests. */
    int pendingSignals() {
        return (int) WIP.getVolatile(this);
    }
}
