package lockfree.exercises.ex02_relogin_kick;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/** The contract every stage's session manager passes, run against yours (the double bind included). */
class RwLockSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new RwLockSessionManager();
    }
}
