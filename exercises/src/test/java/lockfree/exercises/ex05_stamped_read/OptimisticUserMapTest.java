package lockfree.exercises.ex05_stamped_read;

import lockfree.common.contract.Session;
import lockfree.common.testkit.Concurrently;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

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
    @Timeout(20)
    void aLookupDuringAWriteWaitsForItUnderTheReadLock() throws Exception {
        OptimisticUserMap map = new OptimisticUserMap();
        Session s = Session.detached(1, 7);
        map.put(7, s);

        long stamp = map.lock().writeLock();
        CompletableFuture<Session> lookup = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                lookup.complete(map.get(7));
            } catch (Throwable t) {
                lookup.completeExceptionally(t);
            }
        }, "lookup");
        try {
            reader.start();
            // A reader queued for the read lock parks: WAITING. One that skipped validation is done.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reader.getState() != Thread.State.WAITING) {
                if (lookup.isCompletedExceptionally()) {
                    lookup.get(); // rethrows what get(7) threw, wrapped: the report shows it
                }
                if (lookup.isDone()) {
                    fail("get() returned while a writer held the lock: an optimistic read must be validated,"
                            + " and a failed validation must fall back to readLock()");
                }
                if (System.nanoTime() > deadline) {
                    fail("the lookup neither returned nor waited for the read lock within 10 s");
                }
                Thread.onSpinWait();
            }
            assertFalse(lookup.isDone(), "the lookup must wait for the writer");
        } finally {
            map.lock().unlockWrite(stamp);
        }
        assertSame(s, lookup.get(10, TimeUnit.SECONDS));
        assertEquals(1, map.pessimisticReads(), "that lookup fell back once, and must be counted");
    }

    /**
     * A writer grows the map (HashMap resizes: the moment an unvalidated read can miss a user who
     * is there) while a reader looks up users bound all along. Every lookup must find them.
     */
    @Test
    @Timeout(20)
    void lookupsDuringResizesAlwaysFindExistingUsers() throws Exception {
        OptimisticUserMap map = new OptimisticUserMap();
        int stable = 64;
        for (long uid = 1; uid <= stable; uid++) {
            map.put(uid, Session.detached(uid, uid));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong misses = new AtomicLong();
        Concurrently.run(2, Duration.ofSeconds(15), t -> {
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
