package lockfree.stage2;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;

/** Stage 2's send queue against the rules every stage keeps. */
class BatchingSendQueueContractTest extends SendQueueContract {
    @Override
    protected SendQueue.Factory factory() {
        return BatchingSendQueue::new;
    }
}
