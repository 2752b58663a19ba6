package lockfree.exercises.ex02_relogin_kick;

import lockfree.common.Session;
import lockfree.common.SessionManager;
import lockfree.common.contract.SessionManagerContract;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The contract every stage's session manager passes, run against yours, and the double bind. */
class RwLockSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new RwLockSessionManager();
    }

    /**
     * A login frame sent twice on one connection binds the session that is already bound. Nobody
     * was displaced, so bind returns null, as stage 0's RwLockSessionManager does: a bind that
     * hands back the session itself would have the gateway kick the very connection that just
     * logged in.
     */
    @Test
    void bindingTheBoundSessionAgainDisplacesNobody() {
        Session a = Session.detached(1, 7);
        manager.add(a);
        assertNull(manager.bind(a));

        assertNull(manager.bind(a), "a is already bound to user 7: binding it again displaces nobody");
        assertSame(a, manager.getByUserId(7));
        assertEquals(1, manager.userCount());
    }
}
