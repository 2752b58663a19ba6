package lockfree.stage0;

import lockfree.common.contract.ModelCheckContract;
import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SessionManager;

/** Stage 0's manager and queue under the model checker, against the interfaces' javadoc. */
class Stage0ModelCheckTest extends ModelCheckContract {
    @Override
    protected SessionManager newManager() {
        return new RwLockSessionManager();
    }

    @Override
    protected SendQueue.Factory queues() {
        return LockedSendQueue::new;
    }
}
