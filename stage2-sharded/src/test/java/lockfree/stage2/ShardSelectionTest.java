package lockfree.stage2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How keys are spread over shards, and which shard counts are accepted. */
class ShardSelectionTest {

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -32, 3, 6, 48, 100, (1 << 16) + 1, 1 << 17, Integer.MIN_VALUE})
    void rejectsShardCountsThatAreNotAPowerOfTwoInRange(int shards) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShardedSessionManager(shards));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 32, 64, 1 << 16})
    void acceptsPowersOfTwo(int shards) {
        assertEquals(shards, new ShardedSessionManager(shards).shardCount());
    }

    @Test
    void defaultsToThePlansThirtyTwoShards() {
        assertEquals(32, new ShardedSessionManager().shardCount());
    }

    @Test
    void sequentialUserIdsFillEveryShardEvenly() {
        int[] counts = countPerShard(new ShardedSessionManager(32), 1, 1, 32_000);
        assertEvenlySpread(counts, 1000);
    }

    /**
     * Ids 32, 64, 96, ...: with {@code key & 31} every one of them would land in shard 0 and all
     * logins would queue on one lock.
     */
    @Test
    void idsWithAStrideOfTheShardCountStillFillEveryShard() {
        int[] counts = countPerShard(new ShardedSessionManager(32), 32, 32, 32_000);
        assertEvenlySpread(counts, 1000);
    }

    /** Ids that differ only above bit 32 (say, a node number in the high word). */
    @Test
    void idsThatDifferOnlyInTheirHighBitsStillFillEveryShard() {
        int[] counts = countPerShard(new ShardedSessionManager(32), 1L << 32, 1L << 32, 32_000);
        assertEvenlySpread(counts, 1000);
    }

    /**
     * The keys of one shard must still differ in their low bits, which is where that shard's
     * HashMap picks a bucket. Were the shard taken from the low bits, all keys of shard 0 would end
     * in the same five bits and use one bucket in 32.
     */
    @Test
    void keysOfOneShardStillUseAllLowBitPatterns() {
        ShardedSessionManager m = new ShardedSessionManager(32);
        int[] lowBits = new int[64];
        int inShard = 0;
        for (long key = 1; key <= 64_000; key++) {
            if (m.shardIndex(key) == 0) {
                lowBits[(int) (key & 63)]++;
                inShard++;
            }
        }
        assertTrue(inShard >= 1900 && inShard <= 2100, "shard 0 got " + inShard + " of 64000 keys");
        for (int pattern = 0; pattern < 64; pattern++) {
            assertTrue(lowBits[pattern] > 0, "no key of shard 0 ends in bit pattern " + pattern);
        }
    }

    @Test
    void oneShardTakesEveryKey() {
        ShardedSessionManager m = new ShardedSessionManager(1);
        for (long key : new long[] {1, 2, 31, 32, 1L << 40, Long.MAX_VALUE, -1}) {
            assertEquals(0, m.shardIndex(key), "key " + key);
        }
    }

    private static int[] countPerShard(ShardedSessionManager m, long first, long step, int n) {
        int[] counts = new int[m.shardCount()];
        long key = first;
        for (int i = 0; i < n; i++, key += step) {
            counts[m.shardIndex(key)]++;
        }
        return counts;
    }

    /** Every shard within 5% of the mean: Fibonacci hashing spreads arithmetic sequences very evenly. */
    private static void assertEvenlySpread(int[] counts, int mean) {
        for (int shard = 0; shard < counts.length; shard++) {
            int c = counts[shard];
            assertTrue(c >= mean * 95 / 100 && c <= mean * 105 / 100,
                    "shard " + shard + " got " + c + " keys, expected about " + mean);
        }
    }
}
