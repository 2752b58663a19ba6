package lockfree.stage1;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;

/** Stage 1's send queue against the rules every stage keeps. */
class LinkedSendQueueContractTest extends SendQueueContract {
    @Override
    protected SendQueue.Factory factory() {
        return LinkedSendQueue::new;
    }
}
