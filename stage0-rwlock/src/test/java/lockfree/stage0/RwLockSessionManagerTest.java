package lockfree.stage0;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/** Stage 0's session manager against the rules every stage keeps. */
class RwLockSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new RwLockSessionManager();
    }
}
