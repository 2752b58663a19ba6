package lockfree.stage2;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/** Stage 2's session manager, with the plan's 32 shards, against the rules every stage keeps. */
class ShardedSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new ShardedSessionManager();
    }
}
