package lockfree.stage1.jcstress;

import lockfree.common.contract.OneUserRace;
import lockfree.common.contract.Session;
import lockfree.stage1.ConcurrentMapSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.ConcurrentHashMap;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * The conditional remove on ConcurrentHashMap: get + remove against remove(key, value).
 *
 * Same story as Stage0_01: user 7 is bound to A (session 1); A's late close races the user's
 * re-login on B (session 2). User 7 must end up bound to B.
 *
 *   GetThenRemove  (minimal model: if (users.get(7) == A) users.remove(7))       BROKEN
 *   RealManager    (ConcurrentMapSessionManager.remove: users.remove(7, A))      FIXED
 *
 * GetThenRemove already is conditional, and still wrong: the re-login's put can land between the
 * check and the remove, and the remove then takes B out. The window is a few instructions wide,
 * so this outcome is rare, and longer modes give it more chances. remove(key, value) compares and removes
 * under the bin's lock, where no put to that key can interleave.
 *
 * Result: r1 = the session the re-login displaced (0 = nobody, 1 = A); r2 = who user 7 is bound to
 * at the end (0 = nobody, 1 = A, 2 = B).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage1 ci Stage1_03      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage1-concurrentmap/README.md, rendered from the committed raw output
 * stage1-concurrentmap/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage1_03_ConditionalRemove {

    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "Re-login first: A kicked, then A's close left B alone.")
    @Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "A's close first: nobody to kick, B bound.")
    @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING,
            desc = "B's put landed between A's check and A's remove: user 7 online but unreachable.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class GetThenRemove {
        private final ConcurrentHashMap<Long, Session> users = new ConcurrentHashMap<>();
        private final OneUserRace race = new OneUserRace(s -> users.put(s.userId(), s), this::remove, users::get);

        void remove(Session s) {
            if (users.get(s.userId()) == s) {
                users.remove(s.userId());   // may remove B, put since the check
            }
        }

        // One line each: the race is OneUserRace's, the same for every stage (sessions, coding).
        @Actor public void lateCloseOfA() { race.closeA(); }
        @Actor public void reLoginAsB(II_Result r) { r.r1 = race.loginB(); }
        @Arbiter public void bound(II_Result r) { r.r2 = race.bound(); }
    }

    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "Re-login first: A kicked, then A's close left B alone.")
    @Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "A's close first: nobody to kick, B bound.")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "A's close unbound B: the conditional remove failed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RealManager {
        // A bound, B added: B's handshake is done; its login frame is what races.
        private final OneUserRace race = OneUserRace.on(new ConcurrentMapSessionManager(), 1, 2);

        @Actor public void lateCloseOfA() { race.closeA(); }
        @Actor public void reLoginAsB(II_Result r) { r.r1 = race.loginB(); }
        @Arbiter public void bound(II_Result r) { r.r2 = race.bound(); }
    }
}
