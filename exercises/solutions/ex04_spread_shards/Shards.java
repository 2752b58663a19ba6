package lockfree.exercises.ex04_spread_shards;

/**
 * Reference solution of exercise 4: Fibonacci hashing, top bits of the product.
 * Not stage 2's class: ShardedSessionManager computes the same index inside a class that also
 * holds the shards and their locks; the exercise is that one function on its own.
 */
public final class Shards {
    /* 2^64 / golden ratio, odd: multiplying by it is a bijection on longs that mixes low bits upward. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Shards() {
    }

    public static int index(long key, int shardCount) {
        if (shardCount <= 0 || Integer.bitCount(shardCount) != 1) {
            throw new IllegalArgumentException("the shard count must be a positive power of two, got " + shardCount);
        }
        if (shardCount == 1) {
            return 0; // a shift by 64 would be a shift by 0 in Java, not "no bits"
        }
        int bits = Integer.numberOfTrailingZeros(shardCount);
        // The high bits of the product depend on every bit of the key; the low bits only on the
        // key's low bits, which is why we shift down instead of masking.
        return (int) ((key * GOLDEN) >>> (64 - bits));
    }
}
