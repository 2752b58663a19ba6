package lockfree.bench;

import lockfree.common.bench.SendQueueBenchmark;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import org.openjdk.jmh.annotations.Param;

/**
 * The send-queue workload of {@link SendQueueBenchmark} (one and three producers into one
 * session's queue, one consumer thread) for every stage's queue, in one JMH run.
 */
public class AllStages_02_SendQueue extends SendQueueBenchmark {

    @Param({"stage0", "stage1", "stage2", "stage3"})
    public String stage;

    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return Stages.byName(stage).queues().create(capacity, outbound);
    }
}
