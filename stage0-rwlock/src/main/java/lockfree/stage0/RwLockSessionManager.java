package lockfree.stage0;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Stage 0, the baseline: the plan's two maps behind one read-write lock, as the Go gateway had them
 * ({@code sessions map[string]*Session}, {@code userSessions map[int32]*Session}, one
 * {@code sync.RWMutex}).
 *
 * <p>Every later stage is measured against this class, so it is the plain version a careful engineer
 * would write first, not a strawman: lookups share the read lock, {@code add}/{@code bind}/
 * {@code remove} take the write lock, and because one lock covers both maps every write changes
 * them together. What it costs is the lesson of the next stages: every {@code getByUserId} on the
 * broadcast path CASes the lock's single state word, so readers on different cores fight over one
 * cache line even though none of them ever waits for a writer.
 *
 * <p>The keys are boxed {@code Long}s, as they are in most Java code. Outside the
 * {@code Long.valueOf} cache (-128..127) every lookup allocates its key, and on one thread that
 * allocation can cost more than the lock. Keep it in mind when comparing stages: a stage that keeps
 * boxed keys is compared with this one on locking alone, while a stage that moves to a
 * primitive-keyed map also wins the allocation back and has to say how much of its gain that is.
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
        long uid = session.userId();
        if (uid <= 0) {
            throw new IllegalArgumentException("uid must be positive: " + uid);
        }
        writeLock.lock();
        try {
            // No resurrection: the connection may have closed (and remove() run) between the login
            // frame being read and this call. Checking here, under the same lock remove() takes,
            // means either remove() ran first and we bind nothing, or we bind first and remove()
            // will see us in `users` and unbind us.
            if (sessions.get(session.id()) != session) {
                return null;
            }
            // put() returns the previous value: the displaced session comes out of the same locked
            // step that installs the new one, so two concurrent logins of one user are ordered by
            // the lock and the second one kicks the first; neither can miss the other.
            Session displaced = users.put(uid, session);
            return displaced == session ? null : displaced;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean remove(Session session) {
        writeLock.lock();
        try {
            boolean registered = sessions.remove(session.id(), session);
            long uid = session.userId();
            if (uid != 0) {
                // Conditional remove: if the user already logged in again, `users` maps it to the
                // new session and this two-argument remove leaves that mapping alone. The plain
                // users.remove(uid) would make the user unreachable until their next login.
                users.remove(uid, session);
            }
            return registered;
        } finally {
            writeLock.unlock();
        }
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
