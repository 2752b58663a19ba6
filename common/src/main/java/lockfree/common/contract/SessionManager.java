package lockfree.common.contract;

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
 *
 * <h2>What each method promises while others run</h2>
 * "Linearizable" means: the call takes effect at one instant between its start and its return,
 * and its answer is the one the sequential rules of the method javadoc give at that instant.
 * {@code SessionManagerModel} (the testkit module) is those rules written as code, and Lincheck
 * checks every stage against it in every interleaving it explores ({@code ModelCheckContract}).
 * <ul>
 *   <li><b>The user view</b>: {@link #bind}, {@link #remove} and {@link #getByUserId} are
 *       linearizable together, in every stage. In particular, while user 1 logs in again
 *       ({@code bind(s2)}, then the old connection's {@code remove(s1)}), {@code getByUserId(1)}
 *       answers s1 or s2, never null, and {@code bind(s2)} returns s1 even if s1's remove runs
 *       before bind returns. Between the moment a remove starts and the moment it unbinds the
 *       user, the answer may be the closing session; a message offered to it is discarded by its
 *       drain.
 *       <br>Two windows are allowed in stage 3 only, both opened by one session's own calls
 *       racing each other. Stages 0-2 are linearizable there too.
 *       <ol>
 *         <li>A session's {@code bind} races its <em>own</em> {@code remove}: bind may kick the
 *             user's previous session and still leave the user bound to nobody. Until that bind
 *             returns, {@code getByUserId} and {@code forEachUser} may answer, even after the
 *             remove has returned, the user's previous session or the closing session itself.
 *             Once both calls have returned, the closing session is bound to nobody: it is never
 *             resurrected.</li>
 *         <li>Two {@code bind}s of one session at once: the one that returns null ("already
 *             bound") may return before the other has bound the session. Until the other returns,
 *             {@code getByUserId} and {@code forEachUser} may answer the user's previous session
 *             or nobody, even on the thread whose bind returned.</li>
 *       </ol>
 *       In the gateway neither happens: a connection's login and its close both run on its
 *       event loop, one after the other, and a connection logs in once.</li>
 *   <li><b>The registry view</b>: {@link #add}, {@link #remove} and {@link #get} are
 *       linearizable together. The two views are one atomic object only in stage 0 (one lock):
 *       in stages 1-3 remove takes the session out of the registry and unbinds its user in two
 *       steps, so for a moment {@code get(id)} may answer null while {@code getByUserId} still
 *       answers the same session.</li>
 *   <li>{@link #size} and {@link #userCount} are exact when no add, bind or remove is in flight
 *       (stage 0 always: they read under the lock). In stages 1-3 they may be off by the calls in
 *       flight: the count is kept apart from the map's entries (stage 3: {@code userCount()} may
 *       still say 0 while a user is already bound), and stage 2 adds up its shards one after the
 *       other.</li>
 *   <li>{@link #forEachUser} is a snapshot in stage 0 (copied under the read lock) and weakly
 *       consistent in stages 1-3 (see the method).</li>
 * </ul>
 */
public interface SessionManager {

    /**
     * Registers a connected, not yet logged-in session. The gateway adds each session once, on
     * its event loop, before that session's bind or remove.
     */
    void add(Session session);

    /**
     * Binds {@code session.userId()} to {@code session}. Linearizable (see the class comment for
     * stage 3's two exceptions).
     *
     * @throws IllegalArgumentException if the session has no valid user id (a user id is positive;
     *         0 means "not logged in"), with the message {@code "uid must be positive: " + uid}
     *
     * @return the session that was bound to that user before (the one to kick), or null:
     *         <ul>
     *           <li>null if nobody was bound to the user;</li>
     *           <li>null, and nothing is bound, if the session is no longer registered (already
     *               removed): a closed session is never resurrected;</li>
     *           <li>null, and nothing changes, if the session is already bound to its user (the
     *               same session bound twice): a session never displaces, and so never kicks,
     *               itself.</li>
     *         </ul>
     *         The displaced session is returned even if its own remove has run since: it was
     *         live when it was displaced, and the caller kicks it (a kick of a closed connection
     *         does nothing). The gateway binds each session at most once.
     */
    Session bind(Session session);

    /**
     * Forgets the session; unbinds its user only if the user is still bound to it. Linearizable
     * in the user view and in the registry view, each on its own (stage 0: both at once).
     *
     * @return true if the session was registered: exactly one of several removes of one session
     *         returns true
     */
    boolean remove(Session session);

    /** The registered session with this id, or null. Linearizable with add and remove. */
    Session get(long sessionId);

    /**
     * The session the user is bound to, or null. The broadcast path calls this constantly.
     * Linearizable with bind and remove: a user who stays bound while they log in again is never
     * answered with null; the answer may be a session whose remove has started but not yet
     * unbound it.
     */
    Session getByUserId(long userId);

    /** Registered sessions (connections that completed the handshake). Exact when no call is in flight. */
    int size();

    /** Users currently bound to a session. Exact when no call is in flight. */
    int userCount();

    /**
     * Calls {@code action} once for each bound user's session. Stage 0 walks a snapshot; stages
     * 1-3 are weakly consistent: a user bound or unbound during the walk may or may not be
     * visited, but no user is visited twice, and a user who stayed bound throughout is visited
     * (with whichever session they are bound to when the walk reaches them: a re-login during the
     * walk does not make the walk miss them).
     */
    void forEachUser(Consumer<Session> action);
}
