package lockfree.exercises.ex01_rwlock_map;

import lockfree.common.contract.Session;
import lockfree.common.testkit.Concurrently;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The quick check: what runs on every save. {@link RwLockUserMapStressTest} is the thorough check,
 * run once these pass.
 */
class RwLockUserMapTest {

    @Test
    void putReturnsTheSessionItReplaced() {
        RwLockUserMap map = new RwLockUserMap();
        Session first = Session.detached(1, 7);
        Session second = Session.detached(2, 7);

        assertNull(map.put(7, first), "nobody was bound to user 7 yet");
        assertSame(first, map.put(7, second), "the second put hands back the first session");
        assertSame(second, map.get(7));
        assertEquals(1, map.size());
    }

    @Test
    void removeUnbindsAndReturnsTheSession() {
        RwLockUserMap map = new RwLockUserMap();
        Session s = Session.detached(1, 7);
        map.put(7, s);

        assertSame(s, map.remove(7));
        assertNull(map.get(7));
        assertNull(map.remove(7), "a second remove finds nothing");
        assertEquals(0, map.size());
    }

    /**
     * Two event loops log in 40,000 different users at once. An unguarded HashMap loses entries
     * here in practically every run: two puts that both trigger a resize each copy the table, and
     * one copy wins. (This race is so wide that a plain stress test catches it; the later
     * exercises, whose races are one interleaving in millions, are model-checked with Lincheck.)
     */
    @Test
    @Timeout(20)
    void concurrentLoginsLoseNobody() throws Exception {
        RwLockUserMap map = new RwLockUserMap();
        int perThread = 20_000;
        Concurrently.run(2, Duration.ofSeconds(15), t -> {
            for (int i = 0; i < perThread; i++) {
                long uid = 1 + t + 2L * i; // thread 0 logs in odd users, thread 1 even ones
                map.put(uid, Session.detached(uid, uid));
            }
        });
        assertEquals(2 * perThread, map.size(), "every login must be counted");
        for (long uid = 1; uid <= 2 * perThread; uid++) {
            Session s = map.get(uid);
            assertNotNull(s, "user " + uid + " logged in and was lost");
            assertEquals(uid, s.userId());
        }
    }

    /**
     * Two event loops log out 40,000 different users at once. A remove that takes the read lock
     * (it is "only" removing) lets both threads into the HashMap together, and no other test has
     * two threads writing through remove. The ids all share one hash bucket (their two 32-bit
     * halves are equal, so Long.hashCode is 0), where HashMap keeps a red-black tree: two removes
     * rebalancing it at once corrupt it, and users stay bound, vanish early or the count goes wrong.
     */
    @Test
    @Timeout(20)
    void concurrentLogoutsOfDifferentUsersLeaveNobodyBound() throws Exception {
        RwLockUserMap map = new RwLockUserMap();
        int perThread = 20_000;
        for (long i = 1; i <= 2 * perThread; i++) {
            long uid = collidingId(i);
            map.put(uid, Session.detached(i, uid));
        }
        Concurrently.run(2, Duration.ofSeconds(15), t -> {
            for (int i = 0; i < perThread; i++) {
                long uid = collidingId(1 + t + 2L * i); // thread 0 logs out odd users, thread 1 even ones
                assertNotNull(map.remove(uid), "user " + uid + " was bound until this logout");
            }
        });
        assertEquals(0, map.size(), "every user logged out, so the count must be 0");
        for (long i = 1; i <= 2 * perThread; i++) {
            assertNull(map.get(collidingId(i)), "user " + collidingId(i) + " logged out and is still bound");
        }
    }

    /** An id whose Long.hashCode is 0: its high and low 32 bits are the same. */
    static long collidingId(long i) {
        return (i << 32) | i;
    }

    /**
     * Lookups while the table grows: users bound before the writer starts must be found by every
     * lookup. A HashMap read racing a resize can look in the new, half-filled table and miss them.
     */
    @Test
    @Timeout(20)
    void lookupsDuringGrowthAlwaysFindExistingUsers() throws Exception {
        assertEquals(0, lookupMissesWhileGrowing(200_000), "lookups of users bound all along came back empty or wrong");
    }

    /**
     * Binds users 1 to 64, then grows a fresh map with users 1,000 to {@code upTo} on one thread
     * while another looks the first 64 up; returns how many lookups came back empty or wrong.
     */
    static long lookupMissesWhileGrowing(long upTo) throws Exception {
        RwLockUserMap map = new RwLockUserMap();
        int stable = 64;
        for (long uid = 1; uid <= stable; uid++) {
            map.put(uid, Session.detached(uid, uid));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong misses = new AtomicLong();
        Concurrently.run(2, Duration.ofSeconds(15), t -> {
            if (t == 0) {
                try {
                    for (long uid = 1_000; uid < upTo; uid++) {
                        map.put(uid, Session.detached(uid, uid));
                    }
                } finally {
                    writing.set(false);
                }
            } else {
                long uid = 0;
                do {
                    uid = uid % stable + 1;
                    Session s = map.get(uid);
                    if (s == null || s.userId() != uid) {
                        misses.incrementAndGet();
                    }
                } while (writing.get());
            }
        });
        return misses.get();
    }
}
