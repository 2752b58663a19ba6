package lockfree.exercises.ex01_rwlock_map;

import lockfree.common.contract.Session;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Exercise 1: the user table behind one read-write lock.
 *
 * <p>The gateway's hottest question is "which session is user 42 on?": every message delivery asks
 * it. Stage 0 keeps the answer in a plain {@link HashMap}, which is fast and not thread-safe at
 * all: two logins on two event loops that {@code put} at the same time can lose one of the
 * entries or corrupt the map's size, and a lookup racing a resize can miss a user who is there.
 *
 * <p>Guard the map with the {@link ReentrantReadWriteLock} below: lookups ({@link #get},
 * {@link #size}) share the read lock, so they run in parallel; changes ({@link #put},
 * {@link #remove}) take the write lock, so they run alone. Always unlock in a {@code finally}.
 *
 * <p>Besides the single-threaded checks, the tests log 40,000 users in and out from two threads and
 * look users up while the table grows; an unguarded HashMap loses entries there in practically
 * every run. They also stop a put or a remove halfway (the map they hand in pauses there) and ask
 * {@code get} and {@code size} on another thread: a reader must wait for the writer, whatever it
 * reads. Reading a single int in {@code size()} looks safe without a lock, but only the lock makes
 * the reader wait for a change in progress and see the writer's update once it is done. Once those
 * pass, a thorough check runs the races for more rounds.
 *
 * <p>Run: {@code ./exercises.sh run 1}
 */
public final class RwLockUserMap {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /* Guarded by `lock`: read under the read lock, changed only under the write lock. */
    private final Map<Long, Session> users;

    public RwLockUserMap() {
        this(new HashMap<>());
    }

    /**
     * For the tests: a map of their own, which can stop in the middle of a put or a remove (where
     * a real HashMap would be halfway through a resize) while another thread reads, or throw there.
     * A race that lands in that window is too rare for a test to wait for.
     */
    RwLockUserMap(Map<Long, Session> users) {
        this.users = users;
    }

    /** The session bound to {@code userId}, or null. */
    public Session get(long userId) {
        throw new UnsupportedOperationException("TODO: look the user up under the read lock");
    }

    /**
     * Binds {@code userId} to {@code session}; returns the session bound before, or null.
     *
     * @throws IllegalArgumentException {@code "uid must be positive: " + userId} when {@code userId <= 0}
     *                                  (the same exception, with the same message, as every stage's bind)
     */
    public Session put(long userId, Session session) {
        throw new UnsupportedOperationException("TODO: put the session under the write lock and return the one it replaced");
    }

    /** Unbinds {@code userId}; returns the session that was bound, or null. */
    public Session remove(long userId) {
        throw new UnsupportedOperationException("TODO: remove the user under the write lock");
    }

    /** How many users are bound. */
    public int size() {
        throw new UnsupportedOperationException("TODO: read the size under the read lock");
    }
}
