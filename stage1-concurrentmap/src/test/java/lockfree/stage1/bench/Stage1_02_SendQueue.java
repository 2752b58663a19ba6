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
 * it holds its head and tail nodes, not stage 0's whole array (sizes measured with JOL in
 * stage3-lockfree/docs/queue-footprint.txt).
 *
 * HOW TO RUN (from the repository root; about 40 s: 2 trials x 2 forks x 10 s):
 *
 *   ./bench.sh stage1 Stage1_02
 *
 * Results: docs/BENCHMARKS.md, rendered from the run that measures this same workload for every
 * stage, stage3-boxed and the limit at once (./bench.sh all); a ratio between stages is fair only
 * within one run, so no result is pasted here.
 */
public class Stage1_02_SendQueue extends SendQueueBenchmark {
    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return new LinkedSendQueue<>(capacity, outbound);
    }
}

