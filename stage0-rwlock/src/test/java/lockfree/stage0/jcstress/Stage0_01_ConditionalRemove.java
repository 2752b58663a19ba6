package lockfree.stage0.jcstress;

import lockfree.common.contract.OneUserRace;
import lockfree.common.contract.Session;
import lockfree.stage0.RwLockSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * The late close of an old connection.
 *
 * User 7 is logged in on connection A (session 1). The user logs in again on connection B
 * (session 2): the gateway binds B and kicks A. A's close is handled on A's event loop, B's login
 * on B's, so the two calls race: remove(A) may run before or after bind(B).
 *
 * Whatever the order, user 7 must end up bound to B. remove(A) therefore has to be conditional:
 * "unbind user 7 if user 7 is still A". Both variants below hold the write lock, so neither can
 * corrupt the HashMap; what differs is only WHAT the locked step does.
 *
 *   Unconditional  (a minimal model: one HashMap, one lock, remove(uid))       BROKEN
 *   RealManager    (RwLockSessionManager, the stage's class: remove(uid, A))    FIXED
 *
 * Note that this race is not about memory ordering at all: a single thread running bind(B), then
 * remove(A) hits it too. jcstress shows how often the two orders occur when two threads race.
 *
 * Result: r1 = the session bind(B) displaced (0 = nobody, 1 = A); r2 = who user 7 is bound to at
 * the end (0 = nobody, 1 = A, 2 = B).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage0 ci Stage0_01      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage0-rwlock/README.md, rendered from the committed raw output
 * stage0-rwlock/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage0_01_ConditionalRemove {

    @JCStressTest
    @Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "A's close first: nobody to kick, B bound.")
    @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING,
            desc = "Re-login first (A kicked), then A's close unbound B: user 7 online but unreachable.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class Unconditional {
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private final Map<Long, Session> users = new HashMap<>();
        private final OneUserRace race = new OneUserRace(this::bind, this::remove, users::get);

        Session bind(Session s) {
            lock.writeLock().lock();
            try {
                return users.put(s.userId(), s);
            } finally {
                lock.writeLock().unlock();
            }
        }

        void remove(Session s) {
            lock.writeLock().lock();
            try {
                users.remove(s.userId());   // the bug: whoever is bound now, not necessarily s
            } finally {
                lock.writeLock().unlock();
            }
        }

        // One line each: the race is OneUserRace's, the same for every stage (sessions, coding).
        @Actor public void lateCloseOfA() { race.closeA(); }
        @Actor public void reLoginAsB(II_Result r) { r.r1 = race.loginB(); }
        @Arbiter public void bound(II_Result r) { r.r2 = race.bound(); }
    }

    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "Re-login first: A kicked, then A's late close left B alone.")
    @Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "A's close first: nobody to kick, B bound.")
    @Outcome(id = "1, 0", expect = FORBIDDEN,
            desc = "A's close unbound B: the conditional remove failed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RealManager {
        // A bound, B added: B's handshake is done; its login frame is what races.
        private final OneUserRace race = OneUserRace.on(new RwLockSessionManager(), 1, 2);

        @Actor public void lateCloseOfA() { race.closeA(); }
        @Actor public void reLoginAsB(II_Result r) { r.r1 = race.loginB(); }
        @Arbiter public void bound(II_Result r) { r.r2 = race.bound(); }
    }
}
