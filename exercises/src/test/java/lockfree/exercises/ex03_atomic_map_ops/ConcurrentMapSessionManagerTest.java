package lockfree.exercises.ex03_atomic_map_ops;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/** The contract every stage's session manager passes, run against yours. */
class ConcurrentMapSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new ConcurrentMapSessionManager();
    }
}
