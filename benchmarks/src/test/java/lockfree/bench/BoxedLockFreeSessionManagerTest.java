package lockfree.bench;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/** The boxed lock-free table of the cross-stage run against the rules every stage keeps. */
class BoxedLockFreeSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new BoxedLockFreeSessionManager();
    }
}
