package lockfree.common;

import java.util.function.Consumer;

/**
 * The two maps of the plan: session id -&gt; session and user id -&gt; session. This interface is what
 * the four stages implement differently (read-write lock, ConcurrentHashMap, shards, CAS); the
 * gateway, the router and the contract tests see only this.
 *
 * <p>Every method may be called from any thread at any time. The rules that make the gateway
 * correct, and that {@code SessionManagerContract} checks for every stage:
 * <ol>
 *   <li><b>Conditional remove.</b> {@link #remove} unbinds the session's user only if the user is
 *       still bound to <em>this</em> session. When user 7 logs in again on a new connection, the
 *       old connection's close arrives later; an unconditional remove would unbind the new
 *       session and make user 7 unreachable.</li>
 *   <li><b>Kick returns the displaced session.</b> {@link #bind} installs the new session and
 *       returns the one it replaced in the same atomic step, so two concurrent logins of one user
 *       end with exactly one winner and exactly one kicked session, never two live ones.</li>
 *   <li><b>No resurrection.</b> A bind that races (or follows) the session's own remove must not
 *       leave a closed session reachable by its user id.</li>
 * </ol>
 */
public interface SessionManager {

    /** Registers a connected, not yet logged-in session. */
    void add(Session session);

    /**
     * Binds {@code session.userId()} to {@code session}.
     *
     * @return the session that was bound to that user before (the one to kick), or null. If the
     *         session is no longer registered (already removed) nothing is bound and null is
     *         returned.
     */
    Session bind(Session session);

    /**
     * Forgets the session; unbinds its user only if the user is still bound to it.
     *
     * @return true if the session was registered
     */
    boolean remove(Session session);

    /** The registered session with this id, or null. */
    Session get(long sessionId);

    /** The session the user is bound to, or null. The broadcast path calls this constantly. */
    Session getByUserId(long userId);

    /** Registered sessions (connections that completed the handshake). */
    int size();

    /** Users currently bound to a session. */
    int userCount();

    /**
     * Calls {@code action} once for each bound user's session. Stages may make this weakly
     * consistent: a user bound or removed during the walk may or may not be visited, but no user
     * is visited twice and none that stayed bound throughout is missed.
     */
    void forEachUser(Consumer<Session> action);
}
