package lockfree.bench;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;

import java.util.function.Consumer;

/**
 * Stage 1's design over any map: two maps (session id -&gt; session, user id -&gt; session) and the
 * rules of {@link SessionManager} kept with one call at a time on one map, the steps ordered so
 * that what a reader sees in between is harmless. Which map is what the benchmarks vary:
 * {@link BoxedLockFreeSessionManager} (JCTools' lock-free table, boxed keys) and
 * {@link lockfree.bench.limit.LimitSessionManager} (Agrona's table, one thread) are this class on
 * their map. Stage 1's own class keeps its copy on {@code ConcurrentHashMap}: a learner reads a
 * stage on its own, so no stage depends on this.
 */
public abstract class TwoMapSessionManager implements SessionManager {

    /**
     * The calls the manager makes on each map, by primitive key (a map with {@code Long} keys boxes
     * inside). On a map that threads share, each call must be atomic on its own.
     */
    public interface SessionMap {
        Session get(long key);

        /** Installs {@code session} unless the key is present; returns what was there, null if installed. */
        Session putIfAbsent(long key, Session session);

        /** Installs {@code session}; returns what it replaced, read in the same step as the install. */
        Session put(long key, Session session);

        /** Removes the key only while it maps to this very session; true if it did. */
        boolean remove(long key, Session session);

        int size();

        void forEachValue(Consumer<Session> action);
    }

    private final SessionMap sessions;
    private final SessionMap users;
    private final boolean shared;

    /**
     * @param shared whether threads call in at once; false only for a table that is correct at one
     *               thread, which then skips the step that only a concurrent close makes necessary
     */
    protected TwoMapSessionManager(SessionMap sessions, SessionMap users, boolean shared) {
        this.sessions = sessions;
        this.users = users;
        this.shared = shared;
    }

    @Override
    public final void add(Session session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new IllegalStateException(session + " is already registered");
        }
    }

    @Override
    public final Session bind(Session session) {
        long uid = session.userId();
        if (uid <= 0) {
            throw new IllegalArgumentException("uid must be positive: " + uid);
        }
        if (sessions.get(session.id()) != session) {
            return null; // removed already: never resurrect it
        }
        // The displaced session comes out of the same atomic exchange that installs ours, so two
        // logins of one user each displace a different session and the last one stays bound (a
        // get, then a put, would let both read "nobody" or the same old session).
        Session displaced = users.put(uid, session);
        // Our own close may have run between the check above and the exchange; its conditional
        // remove then looked at the user map before we were in it. remove() takes the session out
        // of `sessions` first, so looking again here catches it: undo our binding. The session we
        // displaced stays kicked (the window SessionManager allows stage 3 too). At one thread no
        // close can run in between, so there is nothing to look for.
        if (shared && sessions.get(session.id()) != session) {
            users.remove(uid, session);
        }
        return displaced == session ? null : displaced;
    }

    @Override
    public final boolean remove(Session session) {
        // Registry first, then the conditional unbind: see bind's last step for why this order.
        if (!sessions.remove(session.id(), session)) {
            return false;
        }
        long uid = session.userId();
        if (uid != 0) {
            users.remove(uid, session);
        }
        return true;
    }

    @Override
    public final Session get(long sessionId) {
        return sessions.get(sessionId);
    }

    @Override
    public final Session getByUserId(long userId) {
        return users.get(userId);
    }

    @Override
    public final int size() {
        return sessions.size();
    }

    @Override
    public final int userCount() {
        return users.size();
    }

    @Override
    public final void forEachUser(Consumer<Session> action) {
        users.forEachValue(action); // weakly consistent on a lock-free map, like every lock-free stage's walk
    }
}
