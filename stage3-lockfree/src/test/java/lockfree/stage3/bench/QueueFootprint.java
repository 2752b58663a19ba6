package lockfree.stage3.bench;

import lockfree.common.contract.Outbound;
import lockfree.stage3.MpscSendQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscChunkedArrayQueue;
import org.jctools.queues.unpadded.MpscChunkedUnpaddedArrayQueue;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What one session's send queue costs in memory, per stage, measured with JOL.
 *
 * <p>The plan gives every session a {@code make(chan []byte, 1024)}. Most sessions of a push
 * gateway are idle most of the time, so the number that scales with connections is the size of
 * an EMPTY queue: at 100,000 connections every byte here is 100 KB of heap.
 *
 * <p>Each row is the collection a stage's SendQueue wraps (stage 0 {@code LockedSendQueue}: an
 * {@link ArrayBlockingQueue}; stage 1 {@code LinkedSendQueue}: a {@link LinkedBlockingQueue};
 * stage 2 {@code BatchingSendQueue}: the same plus an {@link AtomicBoolean}; stage 3: JCTools'
 * unpadded chunked MPSC queue), then stage 3's whole {@link MpscSendQueue} object, then three
 * queues for reference. The wrappers of stages 0-2 add their own object and drain task (a few
 * dozen bytes), as stage 3's does (compare its two rows). Sizes are retained sizes
 * ({@link GraphLayout#totalSize()}): every object reachable from the queue, counted once; the
 * queued messages themselves are left out.
 *
 * <p>Columns: <b>empty</b> as constructed; <b>after burst</b> after 1024 offers and 1024 polls,
 * i.e. an idle session that was once busy; <b>full</b> holding 1024 messages.
 *
 * <p>JOL runs here without its agent: it reads field offsets through Unsafe and computes sizes
 * from the VM's layout rules (exact on HotSpot); its "Unable to get Instrumentation" warning in
 * the output is that fallback, not an error.
 *
 * <h2>HOW TO RUN</h2>
 * <pre>
 *   ./mvnw -q -B -pl stage3-lockfree -am test-compile dependency:build-classpath \
 *       -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 *   java -cp stage3-lockfree/target/test-classes:stage3-lockfree/target/classes:$(cat stage3-lockfree/target/test.classpath) \
 *       lockfree.stage3.bench.QueueFootprint
 * </pre>
 * Result on the workshop machine: stage3-lockfree/docs/queue-footprint.txt.
 */
public final class QueueFootprint {
    public static final int CAPACITY = 1024;

    /** The one message every queue holds (many times); its own size is not the queue's. */
    private static final class Message {
    }

    private static final Message MESSAGE = new Message();

    private QueueFootprint() {
    }

    /** One row of the table. */
    public record Row(String stage, String queue, long empty, long afterBurst, long full) {
    }

    public static List<Row> measure() {
        return List.of(
                row("0", "ArrayBlockingQueue(1024)", () -> new ArrayBlockingQueue<>(CAPACITY)),
                row("1", "LinkedBlockingQueue(1024)", () -> new LinkedBlockingQueue<>(CAPACITY)),
                stage2(),
                row("3", "MpscChunkedUnpaddedArrayQueue(16, 1024)", () -> new MpscChunkedUnpaddedArrayQueue<>(16, CAPACITY)),
                sendQueueRow(),
                row("ref", "MpscChunkedArrayQueue(16, 1024), padded", () -> new MpscChunkedArrayQueue<>(16, CAPACITY)),
                row("ref", "MpscArrayQueue(1024), one ring", () -> new MpscArrayQueue<>(CAPACITY)),
                row("ref", "ConcurrentLinkedQueue (unbounded)", ConcurrentLinkedQueue::new));
    }

    private static Row row(String stage, String name, Supplier<Queue<Object>> make) {
        Queue<Object> empty = make.get();
        Queue<Object> burst = make.get();
        fill(burst);
        drain(burst);
        Queue<Object> full = make.get();
        fill(full);
        return new Row(stage, name, retained(empty), retained(burst), retained(full));
    }

    /* Stage 2 wraps LinkedBlockingQueue and adds a drain-pending flag. */
    private static Row stage2() {
        Row lbq = row("2", "", () -> new LinkedBlockingQueue<>(CAPACITY));
        long flag = GraphLayout.parseInstance(new AtomicBoolean()).totalSize();
        return new Row("2", "LinkedBlockingQueue(1024) + AtomicBoolean",
                lbq.empty() + flag, lbq.afterBurst() + flag, lbq.full() + flag);
    }

    /**
     * Stage 3's whole send queue: the JCTools queue, the WIP counter, the drain task; not the
     * outbound it points to. Filled while the outbound is unwritable, drained by a real drain.
     */
    public static Row sendQueueRow() {
        InlineOutbound out = new InlineOutbound();
        MpscSendQueue<Object> empty = new MpscSendQueue<>(CAPACITY, out);
        long emptySize = retained(empty);

        MpscSendQueue<Object> queue = new MpscSendQueue<>(CAPACITY, out);
        out.writable = false;
        for (int i = 0; i < CAPACITY; i++) {
            if (!queue.offer(MESSAGE)) {
                throw new IllegalStateException("MpscSendQueue refused offer " + i);
            }
        }
        long fullSize = retained(queue);
        out.writable = true;
        queue.scheduleDrain(); // runs the drain here and now
        if (out.writes != CAPACITY || queue.size() != 0) {
            throw new IllegalStateException("the drain wrote " + out.writes + " of " + CAPACITY);
        }
        return new Row("3", "MpscSendQueue(1024), whole object", emptySize, retained(queue), fullSize);
    }

    /**
     * Everything reachable from {@code root}, less the (shared) message and any {@link Outbound}
     * object (the channel is not part of the queue). Callers measuring a send queue give it an
     * outbound without reference fields, so nothing the outbound owns is counted either.
     */
    public static long retained(Object root) {
        GraphLayout graph = GraphLayout.parseInstance(root);
        // Sizes per class rather than subtract(): subtract() matches objects by address, and a GC
        // between two parses could move them.
        long size = graph.totalSize();
        for (Class<?> c : graph.getClasses()) {
            if (c == Message.class || Outbound.class.isAssignableFrom(c)) {
                size -= graph.getClassSizes().count(c);
            }
        }
        return size;
    }

    private static void fill(Queue<Object> q) {
        for (int i = 0; i < CAPACITY; i++) {
            if (!q.offer(MESSAGE)) {
                throw new IllegalStateException(q.getClass().getSimpleName() + " refused offer " + i);
            }
        }
    }

    private static void drain(Queue<Object> q) {
        while (q.poll() != null) {
            // empty it
        }
    }

    /** Runs drains on the calling thread. No reference fields, so it adds nothing to a graph. */
    private static final class InlineOutbound implements Outbound<Object> {
        boolean writable = true;
        int writes;

        @Override public void execute(Runnable drain) { drain.run(); }
        @Override public boolean isWritable() { return writable; }
        @Override public boolean isOpen() { return true; }
        @Override public void write(Object message) { writes++; }
        @Override public void flush() { }
        @Override public void discard(Object message) { throw new IllegalStateException("never closed"); }
    }

    public static void main(String[] args) {
        System.out.println("# " + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ZonedDateTime.now().withNano(0)));
        System.out.println("# " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", " + Runtime.getRuntime().availableProcessors() + " cpus, max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        System.out.print(VM.current().details());
        System.out.printf("%-5s  %-42s  %9s  %11s  %9s%n", "stage", "queue (capacity 1024)", "empty", "after burst", "full");
        for (Row r : measure()) {
            System.out.printf("%-5s  %-42s  %9d  %11s  %9s%n", r.stage(), r.queue(), r.empty(),
                    r.afterBurst() < 0 ? "-" : Long.toString(r.afterBurst()),
                    r.full() < 0 ? "-" : Long.toString(r.full()));
        }
        System.out.println("(bytes retained per session; messages themselves not counted)");
    }
}
