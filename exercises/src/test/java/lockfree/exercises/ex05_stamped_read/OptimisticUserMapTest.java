package lockfree.exercises.ex05_stamped_read;

import lockfree.common.testkit.Patience;
import lockfree.common.contract.Session;
import lockfree.common.testkit.Concurrently;
import lockfree.exercises.support.Parked;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimisticUserMapTest {

    @Test
    void findsBoundUsersAndNothingElse() {
        OptimisticUserMap map = new OptimisticUserMap();
        Session s = Session.detached(1, 7);
        map.put(7, s);

        assertSame(s, map.get(7));
        assertNull(map.get(8));
        map.remove(7);
        assertNull(map.get(7));
    }

    @Test
    void uncontendedLookupsNeverTakeTheReadLock() {
        OptimisticUserMap map = new OptimisticUserMap();
        for (long uid = 1; uid <= 100; uid++) {
            map.put(uid, Session.detached(uid, uid));
        }
        for (int i = 0; i < 10_000; i++) {
            long uid = i % 100 + 1;
            assertEquals(uid, map.get(uid).userId());
        }
        assertEquals(0, map.pessimisticReads(), "with no writer around, every optimistic read validates");
    }

    /**
     * The test holds the write lock, as a writer in the middle of a put would. A lookup started now
     * cannot validate its optimistic read, so it must fall back to the read lock and wait there until
     * the writer is done, then answer from the finished map.
     */
    @Test
    void aLookupDuringAWriteWaitsForItUnderTheReadLock() throws Exception {
        OptimisticUserMap map = new OptimisticUserMap();
        Session s = Session.detached(1, 7);
        map.put(7, s);

        long stamp = map.lock().writeLock();
        Parked<Session> lookup;
        try {
            lookup = Parked.start("lookup", () -> map.get(7));
            assertTrue(lookup.parksBeforeReturning(Patience.seconds(10)),
                    "get() returned while a writer held the lock: an optimistic read must be validated,"
                            + " and a failed validation must fall back to readLock()");
        } finally {
            map.lock().unlockWrite(stamp);
        }
        assertSame(s, lookup.get(Patience.seconds(10)));
        assertEquals(1, map.pessimisticReads(), "that lookup fell back once, and must be counted");
    }

    /**
     * A write lands between the lookup's stamp and its validation: the test's map runs a put (under
     * the write lock, like any writer) inside the lookup's first read and returns null from it, as
     * a HashMap read during a resize can for a user who is there. That answer must never escape:
     * validate() fails, and the lookup reads again under the read lock. A lookup that skips
     * validate(), or validates before reading, returns the null.
     */
    @Test
    void aWriteDuringTheOptimisticReadSendsTheLookupToTheReadLock() {
        InterruptingMap users = new InterruptingMap();
        OptimisticUserMap map = new OptimisticUserMap(users);
        Session s = Session.detached(1, 7);
        map.put(7, s);
        users.duringNextRead(map.lock(), () -> map.put(8, Session.detached(2, 8)), () -> null);

        assertSame(s, map.get(7), "a write landed in the middle of the optimistic read; its answer must be thrown away");
        assertEquals(1, users.interrupted, "the test's write must have landed inside the lookup's read");
        assertEquals(1, map.pessimisticReads(), "the failed validation sends the lookup to the read lock, counted");
    }

    /**
     * The same write, and this time the HashMap read throws, as one caught mid-resize can. The
     * exception must not reach the caller: it means only that the optimistic attempt failed.
     */
    @Test
    void aReadThatThrowsDuringAWriteFallsBackInsteadOfFailing() {
        InterruptingMap users = new InterruptingMap();
        OptimisticUserMap map = new OptimisticUserMap(users);
        Session s = Session.detached(1, 7);
        map.put(7, s);
        users.duringNextRead(map.lock(), () -> map.put(8, Session.detached(2, 8)), () -> {
            throw new ClassCastException("simulated: a bin read while a writer turned it into a tree");
        });

        assertSame(s, map.get(7), "the optimistic read threw because a writer was busy: fall back, do not fail");
        assertEquals(1, users.interrupted, "the test's write must have landed inside the lookup's read");
        assertEquals(1, map.pessimisticReads());
    }

    /**
     * A HashMap whose next optimistic get() (one made while nobody holds the lock) first runs a
     * write and then answers what the test says instead of reading. A get() under the read lock
     * stays plain: no writer can get in there (and this thread's write would wait for itself).
     */
    private static final class InterruptingMap extends HashMap<Long, Session> {
        private StampedLock lock;
        private Runnable write;
        private Supplier<Session> answer;
        int interrupted;

        void duringNextRead(StampedLock lock, Runnable write, Supplier<Session> answer) {
            this.lock = lock;
            this.write = write;
            this.answer = answer;
        }

        @Override
        public Session get(Object key) {
            Runnable w = write;
            if (w == null || lock.isReadLocked() || lock.isWriteLocked()) {
                return super.get(key);
            }
            write = null;
            interrupted++;
            w.run();
            return answer.get();
        }
    }

    /**
     * A writer grows the map (HashMap resizes: the moment an unvalidated read can miss a user who
     * is there) while a reader looks up users bound all along. Every lookup must find them.
     */
    @Test
    void lookupsDuringResizesAlwaysFindExistingUsers() throws Exception {
        OptimisticUserMap map = new OptimisticUserMap();
        int stable = 64;
        for (long uid = 1; uid <= stable; uid++) {
            map.put(uid, Session.detached(uid, uid));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong misses = new AtomicLong();
        Concurrently.run(2, Patience.seconds(15), t -> {
            if (t == 0) {
                try {
                    for (int round = 0; round < 4; round++) {
                        for (long uid = 1_000; uid < 50_000; uid++) {
                            map.put(uid, Session.detached(uid, uid));
                        }
                        for (long uid = 1_000; uid < 50_000; uid++) {
                            map.remove(uid);
                        }
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
