package lockfree.exercises.ex02_relogin_kick;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Exercise 2: the whole stage 0 session manager, and the two rules that make re-login safe.
 *
 * <p>User 7 is logged in on a phone. They log in again from a laptop: the gateway calls
 * {@link #bind} for the laptop session, which must hand back the phone session so the gateway can
 * send it {@code kicked} and close it. A moment later the phone's close arrives and the gateway
 * calls {@link #remove} for the phone session. If that remove simply unbinds user 7, the laptop
 * is now unreachable: every message to user 7 is dropped until the next login. So:
 * <ul>
 *   <li><b>bind</b> installs the new session and returns the one it displaced, in one step under the
 *       write lock, so two logins racing each other end with one winner and one kicked session;</li>
 *   <li><b>remove</b> unbinds the user only if the user is still bound to <em>this</em> session
 *       (the conditional remove);</li>
 *   <li>and a bind for a session that was already removed (its connection closed while its login
 *       was being processed) binds nothing and returns null: no resurrection.</li>
 * </ul>
 * A bind for a session that never logged in (user id 0 or less) throws
 * {@code IllegalArgumentException("uid must be positive: " + uid)}, as every stage's bind does;
 * check that before you take the lock, so the throw cannot leave the lock held.
 * The rest of the manager is written for you. The tests are common's {@code SessionManagerContract},
 * the same suite every stage of the gateway passes.
 *
 * <p>Run: {@code ./exercises.sh run 2}
 */
public final class RwLockSessionManager implements SessionManager {
    private final Lock readLock;
    private final Lock writeLock;

    /* Guarded by the lock: HashMap is not thread-safe, even for a read that races a resize. */
    private final Map<Long, Session> sessions = new HashMap<>();
    private final Map<Long, Session> users = new HashMap<>();

    public RwLockSessionManager() {
        // Non-fair, the default: fairness would hand the lock over in arrival order and make every
        // reader queue behind a waiting writer, trading throughput for latency the gateway does not need.
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        this.readLock = lock.readLock();
        this.writeLock = lock.writeLock();
    }

    @Override
    public void add(Session session) {
        writeLock.lock();
        try {
            sessions.put(session.id(), session);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Session bind(Session session) {
        throw new UnsupportedOperationException("TODO: under the write lock, bind session.userId() to the session"
                + " if it is still registered, and return the session it displaced (or null)");
    }

    @Override
    public boolean remove(Session session) {
        throw new UnsupportedOperationException("TODO: under the write lock, forget the session and unbind its user"
                + " only if the user is still bound to this session");
    }

    @Override
    public Session get(long sessionId) {
        readLock.lock();
        try {
            return sessions.get(sessionId);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public Session getByUserId(long userId) {
        readLock.lock();
        try {
            return users.get(userId);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int size() {
        readLock.lock();
        try {
            return sessions.size();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int userCount() {
        readLock.lock();
        try {
            return users.size();
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Copies the bound sessions under the read lock, then calls {@code action} without it. This is
     * a consistent snapshot, stronger than the interface asks for.
     *
     * <p>Calling {@code action} under the lock would avoid the copy but hold the read lock for the
     * whole broadcast: every login and logout would wait for thousands of queue offers, and an
     * action that removes a session (kicking a slow consumer) would deadlock, because a
     * {@code ReentrantReadWriteLock} cannot upgrade a read lock to the write lock.
     */
    @Override
    public void forEachUser(Consumer<Session> action) {
        Session[] snapshot;
        readLock.lock();
        try {
            snapshot = users.values().toArray(new Session[0]);
        } finally {
            readLock.unlock();
        }
        for (Session session : snapshot) {
            action.accept(session);
        }
    }
}
