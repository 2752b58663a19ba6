package lockfree.bench.limit;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;

/** The send-queue limit keeps every rule a stage's queue keeps: a limit that cut a corner would measure nothing. */
class LimitSendQueueContractTest extends SendQueueContract {
    @Override
    protected SendQueue.Factory factory() {
        return LimitSendQueue::new;
    }
}
