package lockfree.stage1.bench;

import lockfree.common.bench.SendQueueBenchmark;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.stage1.LinkedSendQueue;

/*
 * Stage 1's send queue: a LinkedBlockingQueue, the two-lock queue. Producers take the put lock,
 * the consumer the take lock, so with a backlog the two ends stop meeting on one lock. The drain
 * still runs as one task per offer and flushes per message, as in stage 0.
 *
 * What it costs: a node allocated per message, and when the queue goes from empty to non-empty
 * (the normal case for a healthy connection) the offer also takes the take lock to signal. Idle,
 * it holds 232 bytes instead of stage 0's 4,256 (stage3-lockfree/docs/queue-footprint.txt).
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage1 Stage1_02
 *
 * RESULT: see the end of this file.
 */
public class Stage1_02_SendQueue extends SendQueueBenchmark {
    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return new LinkedSendQueue<>(capacity, outbound);
    }
}

/*
 * RESULT, from the cross-stage run that runs this same workload for all four stages
 * (./bench.sh all, 2026-11-24 04:50-05:08 UTC, 2-vCPU AMD EPYC VM, OpenJDK 17.0.15, JMH 1.37,
 * 2 forks x 3 x 1 s; load average 13-24 from other builds: indicative only, read the errors).
 * Ratios to the other stages and the reasons: docs/BENCHMARKS.md.
 *
 *   oneProducer       1.42 ± 1.30 messages/us
 *   threeProducers    0.88 ± 0.66 messages/us
 */
