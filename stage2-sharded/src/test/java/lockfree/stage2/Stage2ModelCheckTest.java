package lockfree.stage2;

import lockfree.common.contract.ModelCheckContract;
import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SessionManager;

/**
 * Stage 2's manager and queue under the model checker, against the interfaces' javadoc. With the
 * plan's 32 shards the three sessions and two users of the model land in different shards, so
 * binds and removes take two shard locks, in index order.
 */
class Stage2ModelCheckTest extends ModelCheckContract {
    @Override
    protected SessionManager newManager() {
        return new ShardedSessionManager();
    }

    @Override
    protected SendQueue.Factory queues() {
        return BatchingSendQueue::new;
    }
}
