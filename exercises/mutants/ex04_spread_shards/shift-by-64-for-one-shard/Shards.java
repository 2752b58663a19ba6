package lockfree.exercises.ex04_spread_shards;

/*
 * Wrong solution: no special case for one shard: x >>> 64 is x >>> 0 in Java, so the "index" is the whole product
 * Rejected by: ShardsTest.oneShardHoldsEveryone
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
        int bits = Integer.numberOfTrailingZeros(shardCount);
        // The high bits of the product depend on every bit of the key; the low bits only on the
        // key's low bits, which is why we shift down instead of masking.
        return (int) ((key * GOLDEN) >>> (64 - bits));
    }
}
