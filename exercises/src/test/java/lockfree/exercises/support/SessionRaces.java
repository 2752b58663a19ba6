package lockfree.exercises.support;

import lockfree.common.contract.Session;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verdict on two logins of one user that raced (exercise 1's user map, exercises 2 and 3's
 * session managers). Only the verdict is shared: each scenario stays in its own test class,
 * because Lincheck's order of interleavings follows the code it runs, and each budget is set
 * from the interleaving at which that class's wrong solutions fail.
 */
public final class SessionRaces {
    private SessionRaces() {
    }

    /**
     * After logins {@code a} and {@code b} of one user raced, {@code replaced[0]} and
     * {@code replaced[1]} being what each login said it replaced: the user is bound to one of them
     * (the winner), the winner replaced the other (so the gateway kicks it), and the other came
     * first and replaced nobody. A login that reads the session it will replace in one step and
     * installs its own in another lets the other login land in between: both say they replaced
     * nobody, and the loser stays connected, never kicked.
     *
     * @param how what the table must do to keep it, added to the failure message
     */
    public static void assertOneWinnerReplacedTheOther(Session a, Session b, Session[] replaced, Session winner, String how) {
        assertTrue(winner == a || winner == b, "user 7 must be bound to one of its logins");
        Session loser = winner == a ? b : a;
        assertSame(loser, winner == a ? replaced[0] : replaced[1], "the login that won must replace (kick) the other one" + how);
        assertNull(winner == a ? replaced[1] : replaced[0], "the login that lost came first and replaced nobody");
    }
}
