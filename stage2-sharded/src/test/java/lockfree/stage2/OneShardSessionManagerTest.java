package lockfree.stage2;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

/**
 * The same rules with a single shard, where every session id and user id share one lock: the
 * path where bind must take that lock once, not twice, and where every race of the contract's
 * concurrent tests meets on the same lock.
 */
class OneShardSessionManagerTest extends SessionManagerContract {
    @Override
    protected SessionManager newManager() {
        return new ShardedSessionManager(1);
    }
}
