package lockfree.stage0;

import lockfree.common.SendQueue;
import lockfree.common.SessionManager;
import lockfree.common.contract.ModelCheckContract;

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
