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
     * Lookups while the table grows: users bound before the writer starts must be found by every
     * lookup. A HashMap read racing a resize can look in the new, half-filled table and miss them.
     */
    @Test
    @Timeout(20)
    void lookupsDuringGrowthAlwaysFindExistingUsers() throws Exception {
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
                    for (long uid = 1_000; uid < 200_000; uid++) {
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
        assertEquals(0, misses.get(), "lookups of users bound all along came back empty or wrong");
    }
}
