package lockfree.stage3.jcstress;

import lockfree.common.contract.Session;
import lockfree.stage3.LockFreeSessionManager;
import org.jctools.maps.NonBlockingHashMapLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * The CAS lifecycle: a login racing its own connection's close, with no lock anywhere.
 *
 * User 7 is bound to session A (1). The user logs in again on S (2), and S's connection closes
 * while that login is being handled: bind(S) and remove(S) race. Exactly one of them may win the
 * session. Either the login wins (A is kicked; then the close unbinds S, and user 7 is bound to
 * nobody), or the close wins (the login does nothing; A stays bound). Never both: a login that
 * binds a session the close has already finished with resurrects it.
 *
 *   CheckThenSet  (minimal model: the same states, but bind reads "CONNECTED?" and then writes
 *                  BINDING with two volatile accesses; remove reads, then writes CLOSED)  BROKEN
 *   RealManager   (LockFreeSessionManager: bind CASes CONNECTED -> BINDING, remove
 *                  getAndSets CLOSED; one atomic variable decides who owns the cleanup)    FIXED
 *
 * In CheckThenSet both threads can read CONNECTED: remove concludes "never bound, nothing to
 * unbind" and writes CLOSED, bind concludes "mine" and publishes S. Every access is volatile, so
 * this is not a visibility problem; the read and the write are two steps. compareAndSet and
 * getAndSet make each a single step on the same variable, so exactly one of them sees the other.
 *
 * "Login won" includes the case where the close ran after bind claimed S but before it published S:
 * A is kicked all the same, and a reader in between still saw A bound after the close returned.
 * That end state is fine (nothing resurrected, the kick is real), but the history is the one that
 * no order of whole operations explains; SessionManager's javadoc allows it for stage 3 only, since
 * the gateway runs a connection's login and close on one event loop (README "The interleavings").
 *
 * Result: r1 = bind kicked A (1) or not (0); r2 = who user 7 is bound to at the end (0 = nobody,
 * 1 = A, 2 = S); r3 = how many users the user map still holds (a closed entry left behind counts).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage3 ci Stage3_01      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage3-lockfree/README.md, rendered from the committed raw output
 * stage3-lockfree/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage3_01_BindRacesClose {
    static final long USER = 7;

    static final int CONNECTED = 0;
    static final int BINDING = 1;
    static final int BOUND = 2;
    static final int CLOSED = 3;

    @JCStressTest
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Login won: A kicked, then the close unbound S.")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Close won: the login did nothing, A still bound.")
    @Outcome(id = "1, 2, 1", expect = ACCEPTABLE_INTERESTING,
            desc = "Both won: A kicked and the closed S bound to user 7, swallowing its messages.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class CheckThenSet {
        /** A session and its lifecycle state, as the stage keeps them, minus the CAS. */
        static final class Entry {
            final long id;
            volatile int state;

            Entry(long id, int state) {
                this.id = id;
                this.state = state;
            }
        }

        private final NonBlockingHashMapLong<Entry> byUser = new NonBlockingHashMapLong<>();
        private final Entry a = new Entry(1, BOUND);
        private final Entry s = new Entry(2, CONNECTED);

        public CheckThenSet() {
            byUser.put(USER, a);
        }

        @Actor
        public void login(III_Result r) {
            if (s.state != CONNECTED) {
                r.r1 = 0;
                return;
            }
            s.state = BINDING;   // the close may have read CONNECTED and written CLOSED meanwhile
            Entry displaced = byUser.put(USER, s);
            if (s.state == BINDING) {
                s.state = BOUND;
            } else {
                byUser.remove(USER, s);
            }
            r.r1 = displaced == a ? 1 : 0;
        }

        @Actor
        public void close() {
            int last = s.state;
            s.state = CLOSED;
            if (last == BOUND) {
                byUser.remove(USER, s);
            }
            // last == BINDING: the binder cleans up, as in the real class; CONNECTED: nothing bound.
        }

        @Arbiter
        public void bound(III_Result r) {
            Entry e = byUser.get(USER);
            r.r2 = e == null ? 0 : (int) e.id;
            r.r3 = byUser.size();
        }
    }

    @JCStressTest
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Login won: A kicked, then the close unbound S.")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Close won: the login did nothing, A still bound.")
    @Outcome(id = "1, 2, 1", expect = FORBIDDEN, desc = "Both won: the closed S resurrected.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else (e.g. a closed entry left in the user map).")
    @State
    public static class RealManager {
        private final LockFreeSessionManager manager = new LockFreeSessionManager();
        private final Session a = Session.detached(1, USER);
        private final Session s = Session.detached(2, USER);

        public RealManager() {
            manager.add(a);
            manager.bind(a);
            manager.add(s);
        }

        @Actor
        public void login(III_Result r) {
            r.r1 = manager.bind(s) == a ? 1 : 0;
        }

        @Actor
        public void close() {
            manager.remove(s);
        }

        @Arbiter
        public void bound(III_Result r) {
            Session bound = manager.getByUserId(USER);
            r.r2 = bound == null ? 0 : (int) bound.id();
            r.r3 = manager.userCount();   // exact now: nothing is in flight
        }
    }
}
