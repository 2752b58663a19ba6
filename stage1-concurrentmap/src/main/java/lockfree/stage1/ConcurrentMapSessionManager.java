package lockfree.stage1;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Stage 1: the plan's {@code sync.Map} step, in Java. The two maps of stage 0 become two
 * {@link ConcurrentHashMap}s and the global read-write lock disappears.
 *
 * <p>What a ConcurrentHashMap gives us: {@code get} takes no lock at all (it reads the table and
 * the bin's nodes through volatile loads), and a write locks only the one bin it changes (or
 * CASes a node into an empty bin). So the broadcast path's {@code getByUserId} no longer touches
 * any shared lock word, and two logins of different users only meet if their keys share a bin.
 *
 * <p>What it does not give us: atomicity across the two maps. Each call on one map is atomic; a
 * sequence of calls, or one call on each map, is not. Every compound action below is therefore
 * written as a single atomic call on one map ({@code remove(key, value)}, {@code compute}), and the
 * order of the steps across the two maps is chosen so that the states a reader can observe in
 * between are harmless (see the README, "What a reader can see between the two maps").
 *
 * <p>Keys are boxed {@code Long}s, as in stage 0 and stage 2: ConcurrentHashMap has no primitive
 * key variant. A lookup may allocate a {@code Long} unless the JIT inlines the whole lookup and
 * removes the box. Keeping the key type the same from stage 0 to stage 2 means those stages
 * compare locking, not boxing. Stage 3 changes both at once; the cross-stage run measures a
 * lock-free map with boxed keys beside it ({@code stage3-boxed} in docs/BENCHMARKS.md), which
 * separates the two.
 */
public final class ConcurrentMapSessionManager implements SessionManager {

    /** Session id -> session: every connection that completed the WebSocket handshake. */
    private final ConcurrentHashMap<Long, Session> sessions;

    /** User id -> session: the users that logged in. The broadcast path reads this one. */
    private final ConcurrentHashMap<Long, Session> users;

    public ConcurrentMapSessionManager() {
        this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /** Over maps the caller also holds: for the tests' broken variants, which redo one step on them. */
    ConcurrentMapSessionManager(ConcurrentHashMap<Long, Session> sessions, ConcurrentHashMap<Long, Session> users) {
        this.sessions = sessions;
        this.users = users;
    }

    @Override
    public void add(Session session) {
        sessions.put(session.id(), session);
    }

    @Override
    public Session bind(Session session) {
        long uid = session.userId();
        if (uid <= 0) {
            throw new IllegalArgumentException("uid must be positive: " + uid);
        }
        // The displaced session must come out of the same atomic step that installs the new one.
        // A get-then-put would let two logins of this user both read "nobody" (or both read the
        // same old session) and both install themselves: one of them is silently overwritten but
        // never kicked, and the user ends up with two live connections.
        //
        // compute() runs the function while holding the lock of uid's bin, so for this user it is
        // one indivisible step: read the current session, decide, install. Reading the other map
        // inside it is allowed (the rule is only that the function must not write to `users`).
        Session[] displaced = new Session[1];
        users.compute(uid, (key, current) -> {
            // No resurrection: if the session's close already removed it from `sessions`, do not
            // bind it. remove() takes it out of `sessions` BEFORE it looks at `users`, and its
            // look at `users` needs this same bin lock, so either we see it gone here, or remove()
            // runs its users.remove(uid, session) after we release the bin and unbinds it.
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
        // Step 1: forget the connection. remove(key, value) so that a stale Session object can
        // never remove a different session that happens to share its id.
        if (!sessions.remove(session.id(), session)) {
            return false;
        }
        // Step 2: the conditional remove. If this user already logged in again elsewhere, the
        // users map points at the new session and must keep pointing at it. remove(key, value)
        // compares and removes under the bin lock; "if get(uid) == session then remove(uid)" would
        // let a re-login slip in between the check and the remove and be unbound by it.
        long uid = session.userId();
        if (uid != 0) {
            users.remove(uid, session);
        }
        return true;
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

    @Override
    public void forEachUser(Consumer<Session> action) {
        // ConcurrentHashMap's iteration is weakly consistent: it never throws
        // ConcurrentModificationException and holds no lock, so logins and closes go on during a
        // broadcast. Each bin is visited once; a user bound or removed while the walk is under way
        // may or may not be seen.
        users.values().forEach(action);
    }
}
