package lockfree.exercises.ex06_striped_counter;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Exercise 6: a counter many threads can bump without fighting over one cache line.
 *
 * <p>The gateway counts every message delivered, from every event loop. One {@code AtomicLong}
 * makes every increment a CAS on the same cache line, which then travels between cores on every
 * call: the counter becomes the bottleneck of the hot path it measures. {@code LongAdder}'s idea:
 * give threads different cells (stripes), let each thread add to its own, and add the cells up only
 * when someone reads the total, which is rare.
 *
 * <p>Build it:
 * <ul>
 *   <li>{@link #stripeOf} picks a thread's stripe from its id. Thread ids are small consecutive
 *       numbers, so spread them (the multiply-and-take-top-bits trick of exercise 4 works) instead of
 *       letting neighbours collide.</li>
 *   <li>{@link #add} adds to the calling thread's cell with an atomic operation. Two threads can
 *       still share a stripe, so a plain get-then-set would lose updates.</li>
 *   <li>{@link #sum} adds all cells up. It is exact when no one is adding; during adds it may
 *       miss an add in flight, which is what a metrics counter can live with.</li>
 * </ul>
 * The cells sit {@value #PAD} longs (64 bytes, one cache line) apart in {@link #cells}, so two
 * stripes never share a line: without the padding, "different cells" would still be one line.
 *
 * <p>What the tests can and cannot see. They check the layout this comment prescribes: an add lands
 * in cell {@code stripe * PAD} and nowhere else, and {@code PAD} longs span a 64-byte line. They
 * cannot see false sharing itself: unpadded cells give the right sums, only slower, and how much
 * slower depends on the CPU and on how the JVM lays out the array. That is a timing property, for a
 * benchmark: {@code ./bench.sh jmh Metrics_01 -t 2} measures a monitor, an AtomicLong and a
 * LongAdder (padded cells, like yours) from two threads, and JOL ({@code org.openjdk.jol}) prints
 * where each cell really sits.
 *
 * <p>Run: {@code ./exercises.sh run 6}
 */
public final class StripedCounter {
    /** Longs per stripe: 8 x 8 bytes = one 64-byte cache line. Stripe i's cell is {@code cells[i * PAD]}. */
    static final int PAD = 8;

    private final int stripes;
    private final AtomicLongArray cells;

    /** @param stripes a power of two, e.g. twice the number of cores */
    public StripedCounter(int stripes) {
        if (stripes <= 0 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a positive power of two, got " + stripes);
        }
        this.stripes = stripes;
        this.cells = new AtomicLongArray(stripes * PAD);
    }

    public void increment() {
        add(1);
    }

    /** Adds {@code delta} to the calling thread's stripe. */
    public void add(long delta) {
        throw new UnsupportedOperationException("TODO: add delta to cells[stripeOf(current thread id) * PAD]"
                + " atomically (getAndAdd)");
    }

    /** The total of all stripes. */
    public long sum() {
        throw new UnsupportedOperationException("TODO: add up cells[i * PAD] for every stripe i");
    }

    /** The stripe, in {@code [0, stripes)}, of the thread with this id. */
    int stripeOf(long threadId) {
        throw new UnsupportedOperationException("TODO: spread the thread id and keep log2(stripes) bits of it");
    }

    public int stripes() {
        return stripes;
    }

    /** For the tests: they check which cell an add went to. */
    AtomicLongArray cells() {
        return cells;
    }
}
