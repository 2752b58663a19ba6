package lockfree.exercises.ex04_spread_shards;

/*
 * Wrong solution: accepts any shard count and keeps log2 of the next lower power of two bits
 * Rejected by: ShardsTest.rejectsShardCountsThatAreNotPowersOfTwo
 */
public final class Shards {
    /* 2^64 / golden ratio, odd: multiplying by it is a bijection on longs that mixes low bits upward. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Shards() {
    }

    public static int index(long key, int shardCount) {
        if (shardCount <= 0) {
            throw new IllegalArgumentException("the shard count must be positive, got " + shardCount);
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
