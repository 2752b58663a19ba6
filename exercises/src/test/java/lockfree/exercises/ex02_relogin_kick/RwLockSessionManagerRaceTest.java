package lockfree.exercises.ex02_relogin_kick;

import lockfree.common.contract.Session;
import lockfree.exercises.support.Races;
import lockfree.exercises.support.SessionRaces;
import lockfree.exercises.support.Together;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The re-login races, each in a fixed scenario that Lincheck runs through its interleavings: the
 * contract suite runs them on real threads too, where a read made outside the write lock meets the
 * bad interleaving on some runs only; here it meets it on every run.
 */
class RwLockSessionManagerRaceTest {
    private static final int INTERLEAVINGS = 50;

    /** User 7 logs in again from a laptop while the phone's close arrives: user 7 stays on the laptop. */
    @Test
    void theOldSessionsCloseRacingTheReloginNeverUnbindsTheNewSession() {
        Races.check(INTERLEAVINGS, () -> {
            RwLockSessionManager m = new RwLockSessionManager();
            Session phone = Session.detached(1, 7);
            Session laptop = Session.detached(2, 7);
            m.add(phone);
            m.bind(phone);
            m.add(laptop);
            Session[] kicked = new Session[1];

            Together.run(() -> m.remove(phone), () -> kicked[0] = m.bind(laptop));

            assertSame(laptop, m.getByUserId(7), "user 7 must stay bound to the new login: a close unbinds only its own session,"
                    + " checked in the same locked step");
            assertTrue(kicked[0] == null || kicked[0] == phone, "bind displaced " + kicked[0]);
        });
    }

    /** Two logins of user 7 at once: one wins and kicks the other, the other kicked nobody. */
    @Test
    void twoRacingLoginsHaveOneWinnerWhoKicksTheOther() {
        Races.check(INTERLEAVINGS, () -> {
            RwLockSessionManager m = new RwLockSessionManager();
            Session a = Session.detached(1, 7);
            Session b = Session.detached(2, 7);
            m.add(a);
            m.add(b);
            Session[] displaced = new Session[2];

            Together.run(() -> displaced[0] = m.bind(a), () -> displaced[1] = m.bind(b));

            SessionRaces.assertOneWinnerReplacedTheOther(a, b, displaced, m.getByUserId(7),
                    ": the displaced session comes out of the put itself, under the write lock");
        });
    }
}
