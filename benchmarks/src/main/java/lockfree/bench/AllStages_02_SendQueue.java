package lockfree.bench;

import lockfree.bench.limit.LimitSendQueue;
import lockfree.common.bench.SendQueueBenchmark;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import org.openjdk.jmh.annotations.Param;

/**
 * The send-queue workload of {@link SendQueueBenchmark} (one and three producers into one
 * session's queue, one consumer thread) for every stage's queue, in one JMH run, and for the
 * {@code limit}: {@link LimitSendQueue}, the cheapest correct hand-off we could write (one CAS per
 * offer). It is correct with any number of producers, so it runs in both groups.
 */
public class AllStages_02_SendQueue extends SendQueueBenchmark {

    @Param({"stage0", "stage1", "stage2", "stage3", "limit"})
    public String stage;

    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return stage.equals("limit") ? new LimitSendQueue<>(capacity, outbound)
                : Stages.byName(stage).queues().create(capacity, outbound);
    }
}
