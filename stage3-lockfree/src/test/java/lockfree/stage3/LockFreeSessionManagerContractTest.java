package lockfree.stage3;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/** Stage 3's session manager against the rules every stage keeps. */
class LockFreeSessionManagerContractTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new LockFreeSessionManager();
    }
}
