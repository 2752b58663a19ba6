package lockfree.exercises.ex05_stamped_read;

import lockfree.common.contract.Session;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

/**
 * Reference solution of exercise 5: optimistic read, validated, with a counted fallback.
 * Not stage 2's class: ShardedSessionManager reads this way inside each of its shards; the
 * exercise is one map and one lock, with a fallback counter and a map seam for the tests.
 */
public final class OptimisticUserMap {
    private final StampedLock lock = new StampedLock();
    /* Guarded by `lock` for writes; read optimistically (validated) or under the read lock. */
    private final Map<Long, Session> users;
    /* LongAdder, not a plain long: fallbacks run concurrently under the shared read lock. */
    private final LongAdder pessimisticReads = new LongAdder();

    public OptimisticUserMap() {
        this(new HashMap<>());
    }

    /**
     * For the tests: a map of their own, whose get() can make a write land in the middle of an
     * optimistic read, or throw there, as a HashMap caught mid-resize can. Real races that hit that
     * window are too rare for a test to wait for.
     */
    OptimisticUserMap(Map<Long, Session> users) {
        this.users = users;
    }

    public Session get(long userId) {
        long stamp = lock.tryOptimisticRead(); // 0 if a writer holds the lock right now
        if (stamp != 0) {
            try {
                Session s = users.get(userId);
                // validate() has an acquire fence: it orders our reads of the map before its check
                // of the lock's state, so "still valid" means no write overlapped those reads.
                if (lock.validate(stamp)) {
                    return s;
                }
            } catch (RuntimeException raceWithAResize) {
                // The map changed under us mid-read; what we saw is meaningless. Fall through.
            }
        }
        pessimisticReads.increment();
        stamp = lock.readLock();
        try {
            return users.get(userId);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Binds {@code userId}; returns the session bound before, or null. */
    public Session put(long userId, Session session) {
        long stamp = lock.writeLock();
        try {
            return users.put(userId, session);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Unbinds {@code userId}; returns the session that was bound, or null. */
    public Session remove(long userId) {
        long stamp = lock.writeLock();
        try {
            return users.remove(userId);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** How many lookups fell back to the read lock. */
    public long pessimisticReads() {
        return pessimisticReads.sum();
    }

    /** For the tests: they hold the write lock to make a lookup's optimistic attempt fail on purpose. */
    StampedLock lock() {
        return lock;
    }
}
