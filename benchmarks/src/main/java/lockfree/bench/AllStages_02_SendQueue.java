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
 *
 * <p>HOW TO RUN (from the repository root): part of {@code ./bench.sh all}; alone, about 3 minutes
 * with the run's 4 forks:
 * <pre>
 *   ./bench.sh jmh AllStages_02 -f 4 -wi 1 -i 3 -w 1s -r 1s
 * </pre>
 * Results: docs/BENCHMARKS.md, rendered from docs/bench/compare.json.
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
