package lockfree.exercises.ex02_relogin_kick;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/** Reference solution of exercise 2: bind and remove under the write lock, remove conditional. */
public final class RwLockSessionManager implements SessionManager {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock readLock = lock.readLock();
    private final Lock writeLock = lock.writeLock();

    /* Both guarded by the one lock, so every write changes them together. */
    private final Map<Long, Session> sessions = new HashMap<>();
    private final Map<Long, Session> users = new HashMap<>();

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
        if (uid == 0) {
            throw new IllegalArgumentException(session + " has not logged in");
        }
        writeLock.lock();
        try {
            // No resurrection: remove() takes the same lock, so either it ran before us (and the
            // session is gone from `sessions`) or it runs after us and unbinds what we bind.
            if (sessions.get(session.id()) != session) {
                return null;
            }
            // put() hands back the previous value in the same locked step that installs the new
            // one: two racing logins are ordered by the lock, the second displaces the first.
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
            if (session.userId() != 0) {
                // The conditional remove: a no-op when the user has logged in again elsewhere.
                users.remove(session.userId(), session);
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

    /** Copies under the read lock and calls {@code action} outside it, so a slow action blocks no login. */
    @Override
    public void forEachUser(Consumer<Session> action) {
        Session[] snapshot;
        readLock.lock();
        try {
            snapshot = users.values().toArray(new Session[0]);
        } finally {
            readLock.unlock();
        }
        for (Session s : snapshot) {
            action.accept(s);
        }
    }
}
