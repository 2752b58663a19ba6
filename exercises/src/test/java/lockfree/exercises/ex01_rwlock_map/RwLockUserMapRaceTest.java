package lockfree.exercises.ex01_rwlock_map;

import lockfree.common.contract.Session;
import lockfree.exercises.support.Races;
import lockfree.exercises.support.SessionRaces;
import lockfree.exercises.support.Together;
import org.junit.jupiter.api.Test;

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

            SessionRaces.assertOneWinnerReplacedTheOther(phone, laptop, replaced, map.get(7),
                    ": put() returns what it replaced, read under the same write lock");
        });
    }
}
