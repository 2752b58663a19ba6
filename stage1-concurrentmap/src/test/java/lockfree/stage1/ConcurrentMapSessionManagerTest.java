package lockfree.stage1;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/** Stage 1's session manager against the rules every stage keeps. */
class ConcurrentMapSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new ConcurrentMapSessionManager();
    }
}
