package lockfree.exercises.ex06_striped_counter;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reference solution of exercise 6: padded atomic cells, one per stripe, summed on read.
 * No stage has this class: the gateway's counters are the Prometheus client's, striped per thread
 * like a LongAdder; the exercise builds that idea in its smallest form.
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

    public void add(long delta) {
        int stripe = stripeOf(Thread.currentThread().getId());
        // getAndAdd is one atomic read-modify-write (LOCK XADD on x86): two threads that share a
        // stripe both get counted. The cell's line stays in the cache of the core that uses it.
        cells.getAndAdd(stripe * PAD, delta);
    }

    public long sum() {
        long total = 0;
        for (int i = 0; i < stripes; i++) {
            // Volatile reads: each sees every add that finished before it; adds still running may
            // or may not be counted. The total is exact only at rest, like LongAdder.sum().
            total += cells.get(i * PAD);
        }
        return total;
    }

    int stripeOf(long threadId) {
        if (stripes == 1) {
            return 0;
        }
        // Fibonacci hashing: consecutive ids land far apart, and the top bits mix in every id bit.
        return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(stripes)));
    }

    public int stripes() {
        return stripes;
    }

    /** For the tests: they check which cell an add went to. */
    AtomicLongArray cells() {
        return cells;
    }
}
