package lockfree.exercises.ex02_relogin_kick;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;
import lockfree.common.testkit.Patience;
import lockfree.exercises.support.Parked;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The contract every stage's session manager passes, run against yours (the double bind included). */
class RwLockSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new RwLockSessionManager();
    }

    /**
     * A session that never logged in (user id 0) is refused with an IllegalArgumentException, and
     * the refusal must leave the lock free: a bind that takes the write lock before it checks its
     * argument, outside the try, throws with the lock held, and every later call on every other
     * thread waits for it forever.
     */
    @Test
    void aBindThatRefusesItsSessionLeavesTheLockFree() throws Exception {
        RwLockSessionManager m = new RwLockSessionManager();
        Session anonymous = Session.detached(1, 0);
        m.add(anonymous);
        assertThrows(IllegalArgumentException.class, () -> m.bind(anonymous));

        Parked<Session> lookup = Parked.start("lookup", () -> m.getByUserId(7));
        assertFalse(lookup.parksBeforeReturning(Patience.seconds(10)),
                "after a bind that threw, a lookup on another thread waits for a lock nobody will release:"
                        + " check the argument before lock(), or release in a finally block");
        assertNull(lookup.get(Patience.seconds(10)));
    }
}
