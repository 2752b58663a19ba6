package lockfree.stage0.jcstress;

import lockfree.common.contract.Session;
import lockfree.stage0.RwLockSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Does another thread see a session fully built?
 *
 * A connection's event loop creates a session and hands it over; a delivery thread finds it and
 * reads its ids. Finding the REFERENCE does not by itself mean seeing the WRITES that built the
 * object: without a happens-before edge between the two threads the JMM lets the reader see the
 * reference first and the fields still at their defaults.
 *
 *   PlainFields      (minimal model: non-final fields, published through a plain field)   BROKEN
 *   FinalId          (the real Session, published through a plain field)                 FIXED for id
 *   ThroughManager   (the real Session, published through RwLockSessionManager.add/get)  FIXED
 *
 * PlainFields: nothing orders the constructor's stores before the publishing store; "0, 0" and the
 * other partial results are allowed. On x86 the hardware keeps stores in order, so only the JIT can
 * reorder them, and it rarely if ever does: a short run gives it few chances, which is why this
 * variant and FinalId also have a long run (stage0-rwlock/docs/jcstress-long.txt, rendered in the
 * chapter). "Not seen" there is this machine in that many runs, not a proof.
 *
 * FinalId: Session.id is final. The JMM's final-field rule (JLS 17.5) guarantees that a thread
 * which sees the reference sees the final fields as the constructor left them, even through a data
 * race. Session.userId is not final: Session.detached() sets it after the constructor (assignUser),
 * and although the field is volatile, the racy publishing store that follows it may become visible
 * first. So "1, 0" is allowed by the JMM, and is the reason the gateway never publishes a session
 * through a plain field: every stage hands it over through a lock, a ConcurrentHashMap or a CAS.
 *
 * ThroughManager: add() stores into the HashMap under the write lock, get() reads under the read
 * lock. Unlock-then-lock is a happens-before edge, so everything the creating thread did before
 * add() is visible to a reader that finds the session: only "not found" or "1, 7".
 *
 * Result: r1 = the session id seen, r2 = the user id seen; "-1, -1" = not published yet.
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage0 ci Stage0_04      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage0-rwlock/README.md, rendered from the committed raw output
 * stage0-rwlock/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage0_04_Publication {

    /** A session-shaped object with nothing final: what a Session would be without its finals. */
    static final class PlainSession {
        long id;
        long userId;

        PlainSession(long id, long userId) {
            this.id = id;
            this.userId = userId;
        }
    }

    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "Not published yet.")
    @Outcome(id = "1, 7", expect = ACCEPTABLE, desc = "Seen fully built.")
    @Outcome(id = {"0, 0", "0, 7", "1, 0"}, expect = ACCEPTABLE_INTERESTING,
            desc = "Saw the reference before the constructor's stores: a half-built session.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class PlainFields {
        PlainSession published;   // plain: no ordering

        @Actor
        public void create() {
            published = new PlainSession(1, 7);
        }

        @Actor
        public void deliver(JJ_Result r) {
            PlainSession s = published;
            if (s == null) {
                r.r1 = -1;
                r.r2 = -1;
            } else {
                r.r1 = s.id;
                r.r2 = s.userId;
            }
        }
    }

    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "Not published yet.")
    @Outcome(id = "1, 7", expect = ACCEPTABLE, desc = "Seen fully built.")
    @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING,
            desc = "The final id, but not the user id set after the constructor: allowed by the JMM.")
    @Outcome(id = {"0, 0", "0, 7"}, expect = FORBIDDEN, desc = "A final field seen at its default.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class FinalId {
        Session published;   // plain: a data race, on purpose

        @Actor
        public void create() {
            published = Session.detached(1, 7);
        }

        @Actor
        public void deliver(JJ_Result r) {
            Session s = published;
            if (s == null) {
                r.r1 = -1;
                r.r2 = -1;
            } else {
                r.r1 = s.id();
                r.r2 = s.userId();
            }
        }
    }

    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "Not added yet.")
    @Outcome(id = "1, 7", expect = ACCEPTABLE, desc = "Found, and seen fully built.")
    @Outcome(expect = FORBIDDEN, desc = "Found but half-built: the lock failed to publish it.")
    @State
    public static class ThroughManager {
        private final RwLockSessionManager manager = new RwLockSessionManager();

        @Actor
        public void create() {
            manager.add(Session.detached(1, 7));
        }

        @Actor
        public void deliver(JJ_Result r) {
            Session s = manager.get(1);
            if (s == null) {
                r.r1 = -1;
                r.r2 = -1;
            } else {
                r.r1 = s.id();
                r.r2 = s.userId();
            }
        }
    }
}
