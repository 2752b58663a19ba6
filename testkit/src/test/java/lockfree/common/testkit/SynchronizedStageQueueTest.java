package lockfree.common.testkit;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;

/** The fixture stage behind the Redis cluster tests keeps the send-queue rules too. */
class SynchronizedStageQueueTest extends SendQueueContract {
    @Override
    protected SendQueue.Factory factory() {
        return SynchronizedStage.Queue::new;
    }
}
