package lockfree.exercises.ex01_rwlock_map;

import lockfree.common.contract.Session;
import lockfree.exercises.support.Races;
import lockfree.exercises.support.Together;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A race of two logins of ONE user, through every interleaving (Lincheck; it runs in a JVM of its
 * own, so this class is apart from {@link RwLockUserMapTest}). The other races use different
 * users; this one is about what put() returns: the session it replaced, read in the same locked
 * step that replaces it.
 */
class RwLockUserMapRaceTest {
    private static final int INTERLEAVINGS = 50;

    /**
     * Two logins of user 7 at once, nobody bound before: one of them wins (is bound at the end),
     * and that one replaced the other; the one that lost replaced nobody. A put that reads the
     * previous session with get() and then puts lets the other login land in between: both say
     * they replaced nobody, and the loser is never kicked.
     */
    @Test
    void twoLoginsOfOneUserHaveOneWinnerWhoReplacedTheOther() {
        Races.check(INTERLEAVINGS, () -> {
            RwLockUserMap map = new RwLockUserMap();
            Session phone = Session.detached(1, 7);
            Session laptop = Session.detached(2, 7);
            Session[] replaced = new Session[2];

            Together.run(() -> replaced[0] = map.put(7, phone), () -> replaced[1] = map.put(7, laptop));

            Session winner = map.get(7);
            assertTrue(winner == phone || winner == laptop, "user 7 is bound to one of its logins");
            Session loser = winner == phone ? laptop : phone;
            assertSame(loser, winner == phone ? replaced[0] : replaced[1],
                    "the login that won replaced the other one: put() returns what it replaced, read under the same write lock");
            assertNull(winner == phone ? replaced[1] : replaced[0], "the login that lost came first and replaced nobody");
        });
    }
}
