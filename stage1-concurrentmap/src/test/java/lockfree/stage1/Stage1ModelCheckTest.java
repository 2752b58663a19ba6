package lockfree.stage1;

import lockfree.common.contract.ModelCheckContract;
import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SessionManager;

/** Stage 1's manager and queue under the model checker, against the interfaces' javadoc. */
class Stage1ModelCheckTest extends ModelCheckContract {
    @Override
    protected SessionManager newManager() {
        return new ConcurrentMapSessionManager();
    }

    @Override
    protected SendQueue.Factory queues() {
        return LinkedSendQueue::new;
    }
}
