package lockfree.stage2.bench;

import lockfree.common.bench.SendQueueBenchmark;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.stage2.BatchingSendQueue;

/*
 * Stage 2's send queue: stage 1's LinkedBlockingQueue with a batched drain. An AtomicBoolean
 * "drain pending" lets only the first offer of a burst hand a task to the event loop; the drain
 * then writes everything queued and flushes once.
 *
 * Against stage 1 the difference is the number of executor tasks: here a producer that finds a
 * drain already pending does one failed CAS instead of queueing a task, and the consumer thread
 * runs one task per burst instead of one per message. That is the cost this benchmark sees; the
 * flushes it saves are system calls in the gateway but almost free on the fake outbound used
 * here (Stage3_03_BatchedDrain puts a price on them).
 *
 * HOW TO RUN (from the repository root; about 40 s: 2 trials x 2 forks x 10 s):
 *
 *   ./bench.sh stage2 Stage2_03
 *
 * Results: docs/BENCHMARKS.md, rendered from the run that measures this same workload for every
 * stage, stage3-boxed and the limit at once (./bench.sh all); a ratio between stages is fair only
 * within one run, so no result is pasted here.
 */
public class Stage2_03_SendQueue extends SendQueueBenchmark {
    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return new BatchingSendQueue<>(capacity, outbound);
    }
}

