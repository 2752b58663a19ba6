package lockfree.exercises.ex10_wip_drain;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SendQueueContract;

/**
 * The thorough check: the rules every stage's send queue keeps, on a real consumer thread (many
 * rounds: seconds), run once the quick check's races pass.
 */
class WipSendQueueContractTest extends SendQueueContract {
    @Override
    protected SendQueue.Factory factory() {
        return WipSendQueue::new;
    }
}
