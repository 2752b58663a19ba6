package lockfree.exercises.ex01_rwlock_map;

import lockfree.common.testkit.Patience;
import lockfree.common.contract.Session;
import lockfree.common.testkit.Concurrently;
import lockfree.exercises.support.Parked;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

    /** The gateway's bind refuses an id that no login can have; so does the table, before it locks anything. */
    @Test
    void aUserIdThatIsNotPositiveIsRefused() {
        RwLockUserMap map = new RwLockUserMap();
        for (long uid : new long[] {0, -7}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map.put(uid, Session.detached(1, 0)));
            assertEquals("uid must be positive: " + uid, e.getMessage());
        }
        assertEquals(0, map.size(), "nothing was bound, and the lock is free");
    }

    /**
     * An event loop's thread can carry an interrupt (a task before this one was cancelled). A login
     * on it must still happen under the lock and leave the interrupt for its owner. A put that takes
     * the lock with lockInterruptibly() and swallows the exception writes the HashMap without the
     * lock, then fails in unlock() with IllegalMonitorStateException, and the interrupt is gone.
     */
    @Test
    void aLoginOnAnInterruptedThreadStillLogsInAndKeepsTheInterrupt() {
        RwLockUserMap map = new RwLockUserMap();
        Session s = Session.detached(1, 7);
        Thread.currentThread().interrupt();
        Session previous;
        boolean stillInterrupted;
        try {
            previous = map.put(7, s);
        } finally {
            stillInterrupted = Thread.interrupted(); // clears it: the test thread goes on uninterrupted
        }
        assertNull(previous);
        assertTrue(stillInterrupted, "put() cleared the thread's interrupt: whoever interrupted it never learns");
        assertSame(s, map.get(7));
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
     * A login is in progress: the test's map stops inside put(), after HashMap's own put and before
     * it returns, under whatever lock put() took. A real HashMap is in a state like that for the
     * length of a resize, with half its entries moved. A size() on another thread must wait for
     * the login to finish and then count it. One that answers now reads the map halfway through a
     * change, with nothing that orders its read after the writer's stores: an unlocked size()
     * (a single int, so it "looks atomic"), or a put() that holds the read lock, or a lock of its own.
     */
    @Test
    void sizeWaitsForALoginInProgress() throws Exception {
        assertEquals(1, readDuringAWrite("size()", RwLockUserMap::size, map -> { }, map -> map.put(7, Session.detached(1, 7))));
    }

    /** The same paused login, and a lookup of that user: it waits, then finds the new session. */
    @Test
    void getWaitsForALoginInProgress() throws Exception {
        Session s = Session.detached(1, 7);
        assertSame(s, readDuringAWrite("get(7)", map -> map.get(7), map -> { }, map -> map.put(7, s)));
    }

    /**
     * A logout is in progress (the test's map stops inside remove()): a lookup of that user on
     * another thread waits, then finds nobody. A remove() under the read lock lets it in.
     */
    @Test
    void getWaitsForALogoutInProgress() throws Exception {
        Session seen = readDuringAWrite("get(7)", map -> map.get(7), map -> map.put(7, Session.detached(1, 7)), map -> map.remove(7));
        assertNull(seen, "the lookup waited for the logout, so user 7 is gone");
    }

    /**
     * Runs {@code setUp}, then {@code write} on a map that stops inside the write's put or remove
     * and runs {@code read} on another thread there; the reader must park (waiting for the lock)
     * until the write is done. Returns what the reader read, after the write.
     */
    private static <T> T readDuringAWrite(String what, Function<RwLockUserMap, T> read,
                                          Consumer<RwLockUserMap> setUp, Consumer<RwLockUserMap> write) throws Exception {
        PausingMap users = new PausingMap();
        RwLockUserMap map = new RwLockUserMap(users);
        setUp.accept(map);
        List<Parked<T>> reader = new ArrayList<>();
        users.duringNextWrite = () -> {
            reader.add(Parked.start("reader", () -> read.apply(map)));
            boolean parked;
            try {
                parked = reader.get(0).parksBeforeReturning(Patience.seconds(10));
            } catch (Exception e) {
                throw new AssertionError(what + " on the reading thread failed", e);
            }
            assertTrue(parked, what + " on another thread answered while a write was in the middle of changing the"
                    + " HashMap: it read a half-changed map. Readers take the read lock, which waits for the write lock");
        };
        write.accept(map);
        assertEquals(1, reader.size(), "the write must go through the map: put() calls its put, remove() its remove");
        return reader.get(0).get(Patience.seconds(10));
    }

    /**
     * A HashMap whose next put or remove, once armed, runs {@link #duringNextWrite} after the change
     * and before returning: where the writer still holds its lock.
     */
    private static final class PausingMap extends HashMap<Long, Session> {
        Runnable duringNextWrite;

        @Override
        public Session put(Long key, Session value) {
            Session previous = super.put(key, value);
            pause();
            return previous;
        }

        @Override
        public Session remove(Object key) {
            Session removed = super.remove(key);
            pause();
            return removed;
        }

        private void pause() {
            Runnable r = duringNextWrite;
            duringNextWrite = null;
            if (r != null) {
                r.run();
            }
        }
    }

    /**
     * HashMap's put can throw (an OutOfMemoryError while it resizes, for one). The test's map
     * throws once; the login fails, and the lock must be free afterwards: a put() that unlocks
     * after the call instead of in a finally block leaves the write lock held forever, and every
     * later lookup on every other thread waits for it.
     */
    @Test
    void aWriteThatThrowsLeavesTheLockFree() throws Exception {
        HashMap<Long, Session> users = new HashMap<>() {
            private boolean thrown;

            @Override
            public Session put(Long key, Session value) {
                if (!thrown) {
                    thrown = true;
                    throw new IllegalStateException("simulated: the HashMap failed mid-resize");
                }
                return super.put(key, value);
            }
        };
        RwLockUserMap map = new RwLockUserMap(users);
        assertThrows(IllegalStateException.class, () -> map.put(7, Session.detached(1, 7)));

        Parked<Integer> reader = Parked.start("reader", map::size);
        assertFalse(reader.parksBeforeReturning(Patience.seconds(10)),
                "after a put() that threw, a size() on another thread waits for a lock nobody will release:"
                        + " unlock in a finally block");
        assertEquals(0, reader.get(Patience.seconds(10)));
    }

    /**
     * Two event loops log in 40,000 different users at once. An unguarded HashMap loses entries
     * here in practically every run: two puts that both trigger a resize each copy the table, and
     * one copy wins. (This race is so wide that a plain stress test catches it; the later
     * exercises, whose races are one interleaving in millions, are model-checked with Lincheck.)
     */
    @Test
    void concurrentLoginsLoseNobody() throws Exception {
        RwLockUserMap map = new RwLockUserMap();
        int perThread = 20_000;
        Concurrently.run(2, Patience.seconds(15), t -> {
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
    void concurrentLogoutsOfDifferentUsersLeaveNobodyBound() throws Exception {
        RwLockUserMap map = new RwLockUserMap();
        int perThread = 20_000;
        for (long i = 1; i <= 2 * perThread; i++) {
            long uid = collidingId(i);
            map.put(uid, Session.detached(i, uid));
        }
        Concurrently.run(2, Patience.seconds(15), t -> {
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
        Concurrently.run(2, Patience.seconds(15), t -> {
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
