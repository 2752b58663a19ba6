package lockfree.stage3;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;

/** Stage 3's send queue against the rules every stage keeps. */
class MpscSendQueueContractTest extends SendQueueContract {
    @Override
    protected SendQueue.Factory factory() {
        return MpscSendQueue::new;
    }
}
