package lockfree.stage0.jcstress;

import lockfree.common.contract.OneUserRace;
import lockfree.common.contract.Session;
import lockfree.stage0.RwLockSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Two logins of one user at once, and the kick.
 *
 * User 7 is online on connection A (session 1). Two more logins of user 7 arrive at the same time,
 * on B (session 2) and C (session 3). The gateway's rule is "the last login wins, every earlier
 * session is kicked", so whatever the order, exactly one of B and C stays bound and each of A and
 * the loser is kicked exactly once. bind() must therefore return the session it displaced from the
 * same atomic step that installs the new one.
 *
 *   LookThenBind  (a minimal model: look under the read lock, install under the write lock) BROKEN
 *   RealManager   (RwLockSessionManager.bind: put() under the write lock returns the old)  FIXED
 *
 * LookThenBind is the tempting version: "the check is a read, so take the cheap read lock for it".
 * Between releasing the read lock and taking the write lock the other login can run its own look,
 * so both logins see A, both kick A, and the one that installs first is overwritten without ever
 * being kicked: a live connection for a user that is bound elsewhere. Every step holds a lock; the
 * bug is that the decision and the action are in two different critical sections.
 *
 * Result: r1 = the session bind(B) displaced, r2 = the one bind(C) displaced, r3 = who user 7 is
 * bound to at the end (0 = nobody, 1 = A, 2 = B, 3 = C).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage0 ci Stage0_02      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage0-rwlock/README.md, rendered from the committed raw output
 * stage0-rwlock/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage0_02_ReLoginKick {

    @JCStressTest
    @Outcome(id = {"1, 1, 2", "1, 1, 3"}, expect = ACCEPTABLE_INTERESTING,
            desc = "Both saw A: A kicked twice, the overwritten login never kicked and still connected.")
    @State
    public static class LookThenBind extends OneUserRace.ReLoginOutcomes {
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private final Lock readLock = lock.readLock();
        private final Lock writeLock = lock.writeLock();
        private final Map<Long, Session> users = new HashMap<>();
        private final OneUserRace race = new OneUserRace(this::bind, users::get);

        Session bind(Session s) {
            Session current;
            readLock.lock();
            try {
                current = users.get(s.userId());
            } finally {
                readLock.unlock();
            }
            // The window: the other login can look now and see the same `current`.
            writeLock.lock();
            try {
                users.put(s.userId(), s);
            } finally {
                writeLock.unlock();
            }
            return current;
        }

        // One line each: the race is OneUserRace's, the same for every stage (sessions, coding).
        @Actor public void loginB(III_Result r) { r.r1 = race.loginB(); }
        @Actor public void loginC(III_Result r) { r.r2 = race.loginC(); }
        @Arbiter public void bound(III_Result r) { r.r3 = race.bound(); }
    }

    @JCStressTest
    @Outcome(id = {"1, 1, 2", "1, 1, 3"}, expect = FORBIDDEN, desc = "Both saw A: a login overwritten without being kicked.")
    @State
    public static class RealManager extends OneUserRace.ReLoginOutcomes {
        private final OneUserRace race = OneUserRace.on(new RwLockSessionManager(), 1, 2, 3);

        @Actor public void loginB(III_Result r) { r.r1 = race.loginB(); }
        @Actor public void loginC(III_Result r) { r.r2 = race.loginC(); }
        @Arbiter public void bound(III_Result r) { r.r3 = race.bound(); }
    }
}
