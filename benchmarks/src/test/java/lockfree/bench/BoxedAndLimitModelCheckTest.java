package lockfree.bench;

import lockfree.bench.limit.LimitSendQueue;
import lockfree.common.contract.ModelCheckContract;
import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SessionManager;

/**
 * The two measured-only designs under the model checker, like every stage: the boxed lock-free
 * table's manager, and the send-queue limit (whose bound is also held on real threads by
 * {@code LimitSendQueueContractTest}). The limit's session table is correct at one thread only, so
 * it has nothing to model-check.
 */
class BoxedAndLimitModelCheckTest extends ModelCheckContract {
    @Override
    protected SessionManager newManager() {
        return new BoxedLockFreeSessionManager();
    }

    @Override
    protected SendQueue.Factory queues() {
        return LimitSendQueue::new;
    }

    /**
     * Stage 1's steps over a lock-free map: a close that lands inside bind's window leaves the
     * displaced session kicked (the window SessionManager allows stage 3 too); no resurrection,
     * which {@link TwoMapSessionManagerTest} pins down.
     */
    @Override
    protected boolean bindMayRaceOwnRemove() {
        return false;
    }
}
