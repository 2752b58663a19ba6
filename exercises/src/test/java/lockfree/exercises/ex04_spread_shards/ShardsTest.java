package lockfree.exercises.ex04_spread_shards;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ShardsTest {
    private static final int SHARDS = 32;
    private static final int KEYS = 32_000;

    @ParameterizedTest(name = "shard count {0}")
    @ValueSource(ints = {0, -4, 3, 12, 33})
    void rejectsShardCountsThatAreNotPowersOfTwo(int shardCount) {
        assertThrows(IllegalArgumentException.class, () -> Shards.index(42, shardCount));
    }

    @Test
    void oneShardHoldsEveryone() {
        for (long key : new long[] {0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertEquals(0, Shards.index(key, 1), "key " + key);
        }
    }

    @Test
    void everyKeyLandsInRangeAndAlwaysInTheSameShard() {
        for (int shards = 2; shards <= 1024; shards <<= 1) {
            for (long key : new long[] {0, 1, -1, 42, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE}) {
                int i = Shards.index(key, shards);
                assertTrue(i >= 0 && i < shards, "key " + key + " of " + shards + " shards went to " + i);
                assertEquals(i, Shards.index(key, shards), "the same key must always pick the same shard");
            }
        }
    }

    @Test
    void sequentialIdsSpreadEvenly() {
        assertEven("ids 1, 2, 3, ...", k -> k + 1);
    }

    /** Ids handed out in steps of the shard count: all the same in their low bits. */
    @Test
    void idsInStepsOf32StillSpreadEvenly() {
        assertEven("ids 32, 64, 96, ...", k -> (k + 1) * 32);
    }

    /** A tenant number in the high half of the id, the user number in the low half always 7. */
    @Test
    void idsThatDifferOnlyInTheirHighBitsStillSpreadEvenly() {
        assertEven("ids (n << 32) | 7", k -> (k << 32) | 7);
    }

    /** Every shard gets between half and one and a half times its fair share. */
    private static void assertEven(String what, LongUnaryOperator keyOf) {
        int[] counts = new int[SHARDS];
        for (long k = 0; k < KEYS; k++) {
            counts[Shards.index(keyOf.applyAsLong(k), SHARDS)]++;
        }
        int fair = KEYS / SHARDS;
        int min = Arrays.stream(counts).min().orElseThrow();
        int max = Arrays.stream(counts).max().orElseThrow();
        if (min < fair / 2 || max > fair * 3 / 2) {
            fail(what + " over " + SHARDS + " shards: the emptiest shard got " + min + ", the fullest " + max
                    + ", a fair share is " + fair + ". Per shard: " + Arrays.toString(counts));
        }
    }
}
