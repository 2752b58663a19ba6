package lockfree.exercises.ex08_cas_lifecycle;

import lockfree.exercises.ex08_cas_lifecycle.SessionLifecycle.State;
import lockfree.exercises.support.Together;
import lockfree.exercises.support.Races;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionLifecycleTest {
    private static final int INVOCATIONS = 200;

    @Test
    void loginThenClose() {
        SessionLifecycle s = new SessionLifecycle();
        assertEquals(State.CONNECTED, s.state());
        assertTrue(s.login());
        assertFalse(s.login(), "a second login on one connection is refused");
        assertEquals(State.LOGGED_IN, s.state());
        assertTrue(s.close());
        assertFalse(s.close(), "only the first close does the cleanup");
        assertEquals(State.CLOSED, s.state());
    }

    @Test
    void aClosedSessionCannotLogIn() {
        SessionLifecycle s = new SessionLifecycle();
        assertTrue(s.close(), "a session can close before it logs in");
        assertFalse(s.login());
        assertEquals(State.CLOSED, s.state());
    }

    /** Whatever the interleaving, the session ends closed, and a login that lost reports false. */
    @Test
    void aLoginRacingACloseNeverReopensTheSession() {
        Races.check(INVOCATIONS, () -> {
            SessionLifecycle s = new SessionLifecycle();
            boolean[] result = new boolean[2];
            Together.run(() -> result[0] = s.login(), () -> result[1] = s.close());
            assertEquals(State.CLOSED, s.state(), "close returned " + result[1] + ", login returned " + result[0]);
            assertTrue(result[1], "the only close must win");
        });
    }

    /** Three closers (idle timer, kick, slow consumer): exactly one of them does the cleanup. */
    @Test
    void racingClosesHaveExactlyOneWinner() {
        Races.check(INVOCATIONS, () -> {
            SessionLifecycle s = new SessionLifecycle();
            s.login();
            boolean[] won = new boolean[3];
            Together.run(() -> won[0] = s.close(), () -> won[1] = s.close(), () -> won[2] = s.close());
            int winners = (won[0] ? 1 : 0) + (won[1] ? 1 : 0) + (won[2] ? 1 : 0);
            assertEquals(1, winners, "close() returned true " + winners + " times");
            assertNotEquals(State.LOGGED_IN, s.state());
        });
    }
}
