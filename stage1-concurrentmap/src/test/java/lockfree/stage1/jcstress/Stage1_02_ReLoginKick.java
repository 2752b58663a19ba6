package lockfree.stage1.jcstress;

import lockfree.common.contract.OneUserRace;
import lockfree.common.contract.Session;
import lockfree.stage1.ConcurrentMapSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.ConcurrentHashMap;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Two logins of one user at once, on ConcurrentHashMap: get + put against compute.
 *
 * Same story as Stage0_02: user 7 is online on A (session 1); logins on B (2) and C (3) race.
 * Exactly one of them must stay bound, and every session it replaced must be kicked once.
 *
 *   GetThenPut    (minimal model: old = users.get(7); users.put(7, me); kick old)        BROKEN
 *   RealManager   (ConcurrentMapSessionManager.bind: users.compute under the bin lock)   FIXED
 *
 * Without stage 0's global lock the get and the put are two separate atomic steps. Both logins can
 * get A before either puts; both kick A, and the first put is overwritten by the second without its
 * session ever being kicked: a live connection whose user is bound elsewhere.
 * compute() reads the current session, checks the login is still registered and installs the new
 * one while holding the bin lock: one step, so the second login always sees the first.
 *
 * Result: r1 = the session bind(B) displaced, r2 = the one bind(C) displaced, r3 = who user 7 is
 * bound to at the end (0 = nobody, 1 = A, 2 = B, 3 = C).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage1 ci Stage1_02      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage1-concurrentmap/README.md, rendered from the committed raw output
 * stage1-concurrentmap/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage1_02_ReLoginKick {

    @JCStressTest
    @Outcome(id = {"1, 1, 2", "1, 1, 3"}, expect = ACCEPTABLE_INTERESTING,
            desc = "Both got A: A kicked twice, the overwritten login never kicked and still connected.")
    @State
    public static class GetThenPut extends OneUserRace.ReLoginOutcomes {
        private final ConcurrentHashMap<Long, Session> users = new ConcurrentHashMap<>();
        private final OneUserRace race = new OneUserRace(this::bind, users::get);

        Session bind(Session s) {
            Session old = users.get(s.userId());
            users.put(s.userId(), s);   // the other login may have got the same `old` meanwhile
            return old;
        }

        // One line each: the race is OneUserRace's, the same for every stage (sessions, coding).
        @Actor public void loginB(III_Result r) { r.r1 = race.loginB(); }
        @Actor public void loginC(III_Result r) { r.r2 = race.loginC(); }
        @Arbiter public void bound(III_Result r) { r.r3 = race.bound(); }
    }

    @JCStressTest
    @Outcome(id = {"1, 1, 2", "1, 1, 3"}, expect = FORBIDDEN, desc = "Both got A: a login overwritten without being kicked.")
    @State
    public static class RealManager extends OneUserRace.ReLoginOutcomes {
        private final OneUserRace race = OneUserRace.on(new ConcurrentMapSessionManager(), 1, 2, 3);

        @Actor public void loginB(III_Result r) { r.r1 = race.loginB(); }
        @Actor public void loginC(III_Result r) { r.r2 = race.loginC(); }
        @Arbiter public void bound(III_Result r) { r.r3 = race.bound(); }
    }
}
