package lockfree.exercises.ex03_atomic_map_ops;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Reference solution of exercise 3: one atomic ConcurrentHashMap call per rule. */
public final class ChmSessionManager implements SessionManager {
    private final ConcurrentHashMap<Long, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Session> users = new ConcurrentHashMap<>();

    @Override
    public void add(Session session) {
        sessions.put(session.id(), session);
    }

    @Override
    public Session bind(Session session) {
        long uid = session.userId();
        if (uid == 0) {
            throw new IllegalArgumentException(session + " has not logged in");
        }
        Session[] displaced = new Session[1];
        // compute() holds uid's bin lock while the function runs, so for this user the check and
        // the install are one step. The check reads `sessions`, which remove() empties BEFORE it
        // calls users.remove(uid, session): if we see the session registered, remove()'s unbind
        // comes after our install (it waits for the bin lock) and undoes it; if we do not, we
        // leave the binding as it was. Either way no closed session stays reachable.
        users.compute(uid, (key, current) -> {
            if (sessions.get(session.id()) != session) {
                return current;
            }
            displaced[0] = current == session ? null : current;
            return session;
        });
        return displaced[0];
    }

    @Override
    public boolean remove(Session session) {
        // Order matters: out of `sessions` first, so a bind that runs after this line refuses.
        boolean registered = sessions.remove(session.id(), session);
        if (session.userId() != 0) {
            // Atomic compare-and-remove: leaves the user alone if a newer session is bound.
            users.remove(session.userId(), session);
        }
        return registered;
    }

    @Override
    public Session get(long sessionId) {
        return sessions.get(sessionId);
    }

    @Override
    public Session getByUserId(long userId) {
        return users.get(userId);
    }

    @Override
    public int size() {
        return sessions.size();
    }

    @Override
    public int userCount() {
        return users.size();
    }

    /** Weakly consistent: ConcurrentHashMap's iterator visits each key at most once and never throws. */
    @Override
    public void forEachUser(Consumer<Session> action) {
        users.values().forEach(action);
    }
}
