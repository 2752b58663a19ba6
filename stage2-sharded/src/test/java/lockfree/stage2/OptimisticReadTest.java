package lockfree.stage2;

import lockfree.common.testkit.Patience;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimistic read of {@link ShardedSessionManager#optimisticGet}: a lookup without the lock,
 * then a check that no writer ran meanwhile, and a retry under the read lock when one did. The
 * maps below stand in for a HashMap caught mid-write: their first lookup lets a writer in (it
 * takes and releases the shard's write lock, which is what any put or remove does) and then
 * returns nonsense or throws, as a lookup racing a resize can.
 */
class OptimisticReadTest {

    private final StampedLock lock = new StampedLock();

    @Test
    void quietShardIsReadWithoutTakingTheLock() {
        boolean[] readLockedDuringLookup = {true};
        Map<Long, String> map = new HashMap<>(Map.of(7L, "seven")) {
            @Override
            public String get(Object key) {
                readLockedDuringLookup[0] = lock.isReadLocked();
                return super.get(key);
            }
        };

        assertEquals("seven", ShardedSessionManager.optimisticGet(lock, map, 7));
        assertFalse(readLockedDuringLookup[0], "the optimistic lookup should not hold the read lock");
    }

    @Test
    void answerReadWhileAWriterRanIsDiscardedAndReadAgainUnderTheLock() {
        RacingMap map = new RacingMap(() -> "a value the map never held");

        assertEquals("seven", ShardedSessionManager.optimisticGet(lock, map, 7));
        assertEquals(2, map.lookups, "one optimistic lookup, one under the read lock");
        assertTrue(map.lastLookupHeldReadLock);
    }

    @Test
    void lookupThatThrowsWhileAWriterRanIsRetriedUnderTheLock() {
        RacingMap map = new RacingMap(() -> {
            // What HashMap.get can do when a resize swaps the table under it.
            throw new ArrayIndexOutOfBoundsException("stale table index");
        });

        assertEquals("seven", ShardedSessionManager.optimisticGet(lock, map, 7));
        assertEquals(2, map.lookups);
        assertTrue(map.lastLookupHeldReadLock);
    }

    @Test
    void readerArrivingWhileAWriterHoldsTheLockWaitsForItInsteadOfReadingOptimistically() throws Exception {
        RacingMap map = new RacingMap(() -> "must not be returned");
        long writeStamp = lock.writeLock();
        Thread reader = new Thread(() -> map.result = ShardedSessionManager.optimisticGet(lock, map, 7));
        reader.start();
        // Wait until the reader is parked in readLock(): tryOptimisticRead returned 0 because
        // we hold the write lock, so it did not even try the unlocked lookup.
        long deadline = System.nanoTime() + Patience.seconds(10).toNanos();
        while (reader.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, "reader never blocked on the read lock");
            Thread.yield();
        }
        map.realValue = "eight";   // our write, made while holding the write lock
        lock.unlockWrite(writeStamp);
        reader.join(10_000);

        assertFalse(reader.isAlive());
        assertEquals("eight", map.result);
        assertEquals(1, map.lookups, "only the lookup under the read lock");
        assertTrue(map.lastLookupHeldReadLock);
    }

    /** A map whose first lookup races a writer and then behaves like {@code firstLookup}. */
    private final class RacingMap extends HashMap<Long, String> {
        private final Supplier<String> firstLookup;
        volatile String realValue = "seven";
        volatile String result;
        int lookups;
        boolean lastLookupHeldReadLock;

        RacingMap(Supplier<String> firstLookup) {
            this.firstLookup = firstLookup;
        }

        @Override
        public String get(Object key) {
            lookups++;
            lastLookupHeldReadLock = lock.isReadLocked();
            if (lookups == 1 && !lastLookupHeldReadLock) {
                long stamp = lock.writeLock();   // a writer slips in during the optimistic lookup
                lock.unlockWrite(stamp);
                return firstLookup.get();
            }
            return realValue;
        }
    }
}
