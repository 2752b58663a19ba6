package lockfree.exercises.ex03_atomic_map_ops;

import lockfree.common.contract.Session;
import lockfree.exercises.support.Together;
import lockfree.exercises.support.Races;
import lockfree.exercises.support.SessionRaces;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three races of the session table, each run by Lincheck through every interleaving of two
 * threads (up to {@value #INVOCATIONS} of them). The contract suite runs the same races on real
 * threads and catches a check-then-act only when the timing happens to hit the gap; these tests
 * hit it every time, and Lincheck's report shows the interleaving step by step.
 */
class ChmRacesTest {
    private static final int INVOCATIONS = 100;

    @Test
    void theOldSessionsCloseRacingTheReloginNeverUnbindsTheNewSession() {
        Races.check(INVOCATIONS, () -> {
            ConcurrentMapSessionManager m = new ConcurrentMapSessionManager();
            Session phone = Session.detached(1, 7);
            Session laptop = Session.detached(2, 7);
            m.add(phone);
            m.bind(phone);
            m.add(laptop);
            Session[] kicked = new Session[1];

            Together.run(() -> m.remove(phone), () -> kicked[0] = m.bind(laptop));

            assertSame(laptop, m.getByUserId(7), "user 7 must stay bound to the new login");
            assertTrue(kicked[0] == null || kicked[0] == phone, "bind displaced " + kicked[0]);
        });
    }

    @Test
    void aLoginRacingItsOwnCloseLeavesNothingBound() {
        Races.check(INVOCATIONS, () -> {
            ConcurrentMapSessionManager m = new ConcurrentMapSessionManager();
            Session s = Session.detached(1, 7);
            m.add(s);

            Together.run(() -> m.remove(s), () -> m.bind(s));

            assertNull(m.getByUserId(7), "a closed session must not stay reachable by its user id");
        });
    }

    /**
     * The laptop logs in while the laptop's and then the phone's close arrive (the user gave up on
     * both): nothing may stay bound. A bind that puts first and undoes afterwards, putting the
     * displaced phone back with putIfAbsent, can do that undo after the phone's close has run, and
     * the closed phone is bound again for good.
     */
    @Test
    void aLoginRacingTheCloseOfBothSessionsLeavesNothingBound() {
        Races.check(INVOCATIONS, () -> {
            ConcurrentMapSessionManager m = new ConcurrentMapSessionManager();
            Session phone = Session.detached(1, 7);
            Session laptop = Session.detached(2, 7);
            m.add(phone);
            m.bind(phone);
            m.add(laptop);

            Together.run(() -> m.bind(laptop), () -> {
                m.remove(laptop);
                m.remove(phone);
            });

            assertNull(m.getByUserId(7), "both sessions closed, so user 7 must be bound to neither: check the"
                    + " registration inside compute(), before anything is bound, instead of undoing afterwards");
        });
    }

    @Test
    void twoRacingLoginsHaveOneWinnerWhoKicksTheOther() {
        Races.check(INVOCATIONS, () -> {
            ConcurrentMapSessionManager m = new ConcurrentMapSessionManager();
            Session a = Session.detached(1, 7);
            Session b = Session.detached(2, 7);
            m.add(a);
            m.add(b);
            Session[] displaced = new Session[2];

            Together.run(() -> displaced[0] = m.bind(a), () -> displaced[1] = m.bind(b));

            SessionRaces.assertOneWinnerReplacedTheOther(a, b, displaced, m.getByUserId(7),
                    ": read what you displace and bind in one compute() call");
        });
    }
}
