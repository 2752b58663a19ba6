package lockfree.common.testkit;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/** The fixture stage behind the Redis cluster tests keeps the session-manager rules too. */
class SynchronizedStageSessionsTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new SynchronizedStage.Sessions();
    }
}
