package lockfree.stage0;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;

/** Stage 0's send queue against the rules every stage keeps. */
class LockedSendQueueTest extends SendQueueContract {
    @Override
    protected SendQueue.Factory factory() {
        return LockedSendQueue::new;
    }
}
