package lockfree.stage3;

import lockfree.common.contract.Session;
import lockfree.common.testkit.Concurrently;
import org.jctools.maps.NonBlockingHashMapLong;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code forEachUser} while the user map changes under it: the broadcast walk's contract says a
 * user bound throughout the walk is visited, and nobody is visited twice, whatever logins, logouts
 * and table resizes run meanwhile.
 *
 * <p>The walk iterates a snapshot of one table of {@code NonBlockingHashMapLong}. A resize copies
 * that table into a bigger one while the walk is still reading it, and the copy first writes a
 * marker key into each of the old table's empty slots. The first test shows what that does to a
 * plain walk of the map; the others make resizes happen in the middle of the session manager's
 * walks, first deterministically from inside a walk, then from other threads, and hold it to the
 * contract (see {@code LockFreeSessionManager.userKey} for the fix).
 */
class BroadcastWalkTest {

    /** Users bound before the walk and never touched during it: the ones it must visit. */
    private static long[] stayingUsers() {
        // 9,128 ids: dense low ones plus a sparse spread up to 2^18. A table being copied marks
        // its empty slot i with the key i + (table length); the spread puts real ids among those
        // markers for any table length up to 2^17. With JCTools 4.0.5 the walk's snapshot has
        // 32,768 slots, so the markers are 32,768 to 65,535.
        return LongStream.concat(LongStream.rangeClosed(1, 1_000),
                LongStream.iterate(2_048, u -> u < 1 << 18, u -> u + 32)).toArray();
    }

    private static void login(LockFreeSessionManager m, long sessionId, long uid) {
        Session s = Session.detached(sessionId, uid);
        m.add(s);
        m.bind(s);
    }

    /** Walks once and counts the visits per user id. */
    private static Map<Long, Integer> walk(LockFreeSessionManager m, Runnable duringTheWalk) {
        Map<Long, Integer> visits = new HashMap<>();
        AtomicBoolean first = new AtomicBoolean(true);
        m.forEachUser(s -> {
            visits.merge(s.userId(), 1, Integer::sum);
            if (first.getAndSet(false)) {
                duringTheWalk.run();
            }
        });
        return visits;
    }

    private static void assertEachVisitedOnce(long[] staying, Map<Long, Integer> visits, String when) {
        visits.forEach((uid, n) -> {
            if (n != 1) {
                fail(when + ": user " + uid + " visited " + n + " times");
            }
        });
        for (long uid : staying) {
            if (!visits.containsKey(uid)) {
                fail(when + ": user " + uid + " was bound throughout and not visited");
            }
        }
    }

    /*
     * The wrong way, kept to show the library behaviour the fix works around: walk the map's
     * values() with the ids as keys, and grow the map after the first value. The resize marks the
     * snapshot's empty slots, the iterator reads the markers as keys and looks them up, and each
     * marker that equals a real key yields that key's value a second time (434 of them with JCTools
     * 4.0.5). If this starts failing after a JCTools upgrade, the markers have changed: check
     * whether LockFreeSessionManager.userKey is still needed.
     */
    @Test
    void aPlainWalkOfTheMapThatOverlapsAResizeReturnsSomeValuesTwice() {
        NonBlockingHashMapLong<Long> map = new NonBlockingHashMapLong<>();
        for (long uid : stayingUsers()) {
            map.put(uid, Long.valueOf(uid));
        }
        Map<Long, Integer> visits = new HashMap<>();
        boolean first = true;
        for (Long uid : map.values()) {
            visits.merge(uid, 1, Integer::sum);
            if (first) {
                first = false;
                for (long newcomer = 1_000_001; newcomer <= 1_100_000; newcomer++) {
                    map.put(newcomer, Long.valueOf(newcomer));
                }
            }
        }
        long twice = visits.values().stream().filter(n -> n > 1).count();
        assertTrue(twice > 0, "no value returned twice: JCTools no longer hands its resize markers to iterators");
    }

    /*
     * The right way. The walk has visited one user when 100,000 newcomers log in and half of them log out again.
     * The table the walk snapshotted held about 9,000 keys; 109,000 do not fit in it, so it is
     * copied (more than once) while the walk has most of it still to read. The staying users
     * must each be visited exactly once; newcomers may or may not be visited, but not twice.
     */
    @Test
    void aWalkThatOutlivesSeveralResizesVisitsEveryStayingUserExactlyOnce() {
        LockFreeSessionManager m = new LockFreeSessionManager();
        long[] staying = stayingUsers();
        long sessionId = 0;
        for (long uid : staying) {
            login(m, ++sessionId, uid);
        }
        long firstNewcomerSession = sessionId + 1;
        Map<Long, Integer> visits = walk(m, () -> {
            long id = firstNewcomerSession;
            for (long uid = 1_000_001; uid <= 1_100_000; uid++) {
                login(m, id++, uid);
            }
            for (long sid = firstNewcomerSession; sid < id; sid += 2) {
                assertTrue(m.remove(m.get(sid)));
            }
        });

        assertEquals(staying.length + 50_000, m.userCount(), "the newcomers really changed the map");
        assertEachVisitedOnce(staying, visits, "one walk across the resizes");
    }

    /*
     * The same with real threads: two threads log newcomers in and out in waves (the table grows,
     * then fills with dead keys, and is copied again), while a third walks again and again until
     * they are done. Every walk must visit each staying user exactly once.
     */
    @Test
    void walksRacingLoginsLogoutsAndResizesVisitEveryStayingUserExactlyOnce() throws Exception {
        LockFreeSessionManager m = new LockFreeSessionManager();
        long[] staying = stayingUsers();
        long sessionId = 0;
        for (long uid : staying) {
            login(m, ++sessionId, uid);
        }
        long churnSessions = sessionId + 1;
        int churners = 2;
        int waves = 4;
        int perWave = 20_000;
        AtomicInteger churning = new AtomicInteger(churners);
        AtomicInteger walks = new AtomicInteger();
        Concurrently.run(churners + 1, Duration.ofSeconds(20), t -> {
            if (t == churners) {
                do {
                    assertEachVisitedOnce(staying, walk(m, () -> { }), "walk " + walks.incrementAndGet());
                } while (churning.get() > 0);
                return;
            }
            try {
                // Thread t owns its own user and session ids, so the churners never meet each other.
                long uidBase = 10_000_000L * (t + 1);
                long sidBase = churnSessions + 10_000_000L * t;
                for (int wave = 0; wave < waves; wave++) {
                    long sid0 = sidBase + (long) wave * perWave;
                    for (int i = 0; i < perWave; i++) {
                        login(m, sid0 + i, uidBase + (long) wave * perWave + i);
                    }
                    for (int i = 0; i < perWave; i++) {
                        assertTrue(m.remove(m.get(sid0 + i)));
                    }
                }
            } finally {
                churning.decrementAndGet();
            }
        });

        assertEquals(staying.length, m.userCount(), "every newcomer logged out again");
    }
}
