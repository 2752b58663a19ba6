package lockfree.exercises.ex01_rwlock_map;

import lockfree.common.contract.Session;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Reference solution of exercise 1: every access to the HashMap under the matching lock.
 * Not stage 0's class: the exercise is the lock pattern on one map alone, and exercise 2 then
 * hands out stage 0's RwLockSessionManager itself.
 */
public final class RwLockUserMap {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /* Guarded by `lock`: read under the read lock, changed only under the write lock. */
    private final Map<Long, Session> users;

    public RwLockUserMap() {
        this(new HashMap<>());
    }

    /** For the tests: a map that pauses mid-write, or throws there (see the stub). */
    RwLockUserMap(Map<Long, Session> users) {
        this.users = users;
    }

    public Session get(long userId) {
        // Readers share the lock, so lookups on many event loops run at once. The lock's release by
        // the last writer and its acquisition here order the writer's changes before this read.
        lock.readLock().lock();
        try {
            return users.get(userId);
        } finally {
            lock.readLock().unlock();
        }
    }

    public Session put(long userId, Session session) {
        // Checked before the lock: a throw between lock() and the try would leave the lock held.
        if (userId <= 0) {
            throw new IllegalArgumentException("uid must be positive: " + userId);
        }
        lock.writeLock().lock();
        try {
            return users.put(userId, session);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public Session remove(long userId) {
        lock.writeLock().lock();
        try {
            return users.remove(userId);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return users.size();
        } finally {
            lock.readLock().unlock();
        }
    }
}
