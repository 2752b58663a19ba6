package lockfree.exercises.ex03_atomic_map_ops;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Exercise 3: stage 1's session manager, two {@link ConcurrentHashMap}s and no lock of our own.
 *
 * <p>A ConcurrentHashMap makes each call atomic, so lookups never block and never see a torn map.
 * It does not make two calls atomic together. The rules of exercise 2 were easy under one lock;
 * here each one must become a single atomic map call, because any check-then-act in two calls has
 * a gap another thread can use:
 * <ul>
 *   <li>{@code prev = users.get(uid); users.put(uid, s)}: two racing logins both read the same
 *       {@code prev}; one kick is lost and two sessions think they are user 7.
 *       {@code put} already returns the previous value atomically.</li>
 *   <li>{@code if (users.get(uid) == s) users.remove(uid)}: the new login lands between the check
 *       and the remove, and the remove unbinds it. {@code remove(key, value)} does both at once.</li>
 *   <li>{@code if (sessions.get(id) == s) users.put(uid, s)}: the session's close runs between the
 *       check and the put, and a dead session is bound for good. {@code users.compute(uid, ...)}
 *       runs your check while it holds the lock of uid's bin, so a {@code users.remove(uid, s)}
 *       cannot slip in between; and remove() must take the session out of {@code sessions}
 *       <em>before</em> it touches {@code users}.</li>
 * </ul>
 * A bind for a session that never logged in (user id 0 or less) throws
 * {@code IllegalArgumentException("uid must be positive: " + uid)}, as every stage's bind does.
 *
 * <p>The tests are common's {@code SessionManagerContract} plus four races model-checked by Lincheck,
 * which tries every interleaving of the two threads: a check-then-act fails them every time, and
 * so does a put undone afterwards.
 *
 * <p>Run: {@code ./exercises.sh run 3}
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
        throw new UnsupportedOperationException("TODO: bind the user in ONE atomic call on `users` (compute) that"
                + " binds only if the session is still in `sessions`, and return the displaced session (or null)");
    }

    @Override
    public boolean remove(Session session) {
        throw new UnsupportedOperationException("TODO: remove from `sessions` first, then unbind the user with the"
                + " two-argument users.remove(uid, session)");
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
