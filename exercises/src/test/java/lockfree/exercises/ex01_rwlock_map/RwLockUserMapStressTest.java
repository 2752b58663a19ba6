package lockfree.exercises.ex01_rwlock_map;

import lockfree.common.testkit.Patience;
import lockfree.common.contract.Session;
import lockfree.common.testkit.Concurrently;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static lockfree.exercises.ex01_rwlock_map.RwLockUserMapTest.collidingId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The thorough check of exercise 1, run once the quick one ({@link RwLockUserMapTest}) passes: the
 * races whose window is narrow, given more rounds than a save-to-verdict budget allows.
 */
class RwLockUserMapStressTest {
    private static final int ROUNDS = 5;
    /** How long a correct size() may take to see the other thread's put: the thread's scheduling, no more. */
    private static final Duration SEES_THE_PUT = Patience.seconds(5);

    /**
     * The size a dashboard thread reads must follow the logins of the event loops. An unlocked
     * {@code size()} is a plain read of HashMap's size field: nothing orders it after another
     * thread's put, and once the JIT has compiled a loop around it, it may read the field once and
     * never again. The read lock's acquire is what makes each locked {@code size()} see the last
     * writer's changes. Each round compiles the reader's loop first (spinning on an empty map),
     * then logs a user in while the reader spins: a locked size() sees it at once, an unlocked one
     * typically never does, and the loop runs into its deadline. (Whether the JIT hoists the read
     * is its choice, so a round can miss; {@value #ROUNDS} rounds make that unlikely.)
     */
    @Test
    void sizeOnAnotherThreadSeesALogin() throws Exception {
        RwLockUserMap empty = new RwLockUserMap();
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < 2_000; i++) {
                spinWhileEmpty(empty, System.nanoTime() + 20_000); // 20 µs each: the JIT compiles the loop
            }
            RwLockUserMap map = new RwLockUserMap();
            CountDownLatch spinning = new CountDownLatch(1);
            long uid = round + 1;
            Concurrently.run(2, Patience.seconds(15), t -> {
                if (t == 0) {
                    spinning.countDown();
                    // Generous and scaled: a correct size() sees the put as soon as the putting
                    // thread gets a core, which on a busy machine can take a while.
                    assertTrue(spinWhileEmpty(map, System.nanoTime() + SEES_THE_PUT.toNanos()),
                            "size() on the reading thread still said 0 " + SEES_THE_PUT.toSeconds() + " s after another thread's put:"
                                    + " read it under the read lock, whose acquire orders it after the put");
                } else {
                    spinning.await(); // parked: its put lands while the reader already spins
                    map.put(uid, Session.detached(uid, uid));
                }
            });
        }
    }

    /** Spins until {@code map.size()} is above 0 (true) or the deadline passes (false). */
    private static boolean spinWhileEmpty(RwLockUserMap map, long deadlineNanos) {
        while (map.size() == 0) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The quick check's concurrent logins and logouts, harder: {@value #ROUNDS} rounds, and every
     * id in one hash bucket (Long.hashCode 0), where HashMap keeps a red-black tree that each put and
     * remove rebalances. A write under the read lock, or under a lock of its own, lets two threads
     * rebalance the tree at once: entries are lost or left behind, or the count drifts. Threads on
     * a busy machine overlap only part of the time; the rounds give them many chances.
     */
    @Test
    void loginsAndLogoutsOfOneBucketFromTwoThreadsLoseNothing() throws Exception {
        int perThread = 30_000;
        for (int round = 0; round < ROUNDS; round++) {
            RwLockUserMap map = new RwLockUserMap();
            Concurrently.run(2, Patience.seconds(15), t -> {
                for (int i = 0; i < perThread; i++) {
                    long uid = collidingId(1 + t + 2L * i);
                    map.put(uid, Session.detached(uid, uid));
                }
            });
            assertEquals(2 * perThread, map.size(), "round " + round + ": every login must be counted");
            for (long i = 1; i <= 2 * perThread; i++) {
                Session s = map.get(collidingId(i));
                assertTrue(s != null && s.userId() == collidingId(i), "round " + round + ": user " + collidingId(i) + " was lost");
            }
            Concurrently.run(2, Patience.seconds(15), t -> {
                for (int i = 0; i < perThread; i++) {
                    map.remove(collidingId(1 + t + 2L * i));
                }
            });
            assertEquals(0, map.size(), "round " + round + ": every user logged out");
            for (long i = 1; i <= 2 * perThread; i++) {
                assertTrue(map.get(collidingId(i)) == null, "round " + round + ": user " + collidingId(i) + " is still bound");
            }
        }
    }

    /**
     * The quick check's lookups-during-growth, on {@value #ROUNDS} fresh maps: each grows through
     * a dozen resizes, and a lookup that skips the read lock can land in a resize's window (the
     * new table is installed before the nodes are moved into it) and miss a user who is there.
     */
    @Test
    void lookupsDuringRepeatedGrowthAlwaysFindExistingUsers() throws Exception {
        long misses = 0;
        for (int round = 0; round < ROUNDS && misses == 0; round++) {
            misses = RwLockUserMapTest.lookupMissesWhileGrowing(100_000);
        }
        assertEquals(0, misses, "lookups of users bound all along came back empty or wrong");
    }
}
