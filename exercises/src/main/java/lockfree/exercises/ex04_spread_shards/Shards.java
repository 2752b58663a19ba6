package lockfree.exercises.ex04_spread_shards;

/**
 * Exercise 4: which of the 32 shards does user {@code id} live in?
 *
 * <p>Stage 2 splits the session table into shards, each with its own lock, so logins of different
 * users rarely wait for each other. That only works if users spread evenly. The obvious
 * {@code (int) (id % shards)} or {@code id & (shards - 1)} uses the id's lowest bits alone, and ids
 * are rarely random there: a service that hands out ids in steps of 32, or tenants encoded in the
 * high bits, puts every user in one shard, and 32 locks behave like one.
 *
 * <p>Spread the bits first so every bit of the id affects the shard: multiply by a large odd
 * constant (Fibonacci hashing uses 2^64 divided by the golden ratio, {@code 0x9E3779B97F4A7C15L})
 * and take the <em>top</em> bits of the product, where all input bits have mixed in. The shard
 * count must be a power of two, so taking bits is exact; reject anything else.
 *
 * <p>Run: {@code ./exercises.sh run 4}
 */
public final class Shards {
    private Shards() {
    }

    /**
     * The shard of {@code key}, in {@code [0, shardCount)}.
     *
     * @throws IllegalArgumentException unless {@code shardCount} is a positive power of two
     */
    public static int index(long key, int shardCount) {
        throw new UnsupportedOperationException("TODO: check shardCount is a power of two, multiply the key by"
                + " 0x9E3779B97F4A7C15L and return the top log2(shardCount) bits of the product");
    }
}
