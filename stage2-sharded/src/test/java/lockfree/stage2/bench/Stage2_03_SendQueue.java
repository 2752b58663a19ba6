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
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage2 Stage2_03
 *
 * RESULT: see the end of this file.
 */
public class Stage2_03_SendQueue extends SendQueueBenchmark {
    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return new BatchingSendQueue<>(capacity, outbound);
    }
}

/*
 * RESULT, from the cross-stage run that runs this same workload for all four stages
 * (./bench.sh all, 2026-11-24 04:50-05:08 UTC, 2-vCPU AMD EPYC VM, OpenJDK 17.0.15, JMH 1.37,
 * 2 forks x 3 x 1 s; load average 13-24 from other builds: indicative only, read the errors).
 * Ratios to the other stages and the reasons: docs/BENCHMARKS.md.
 *
 *   oneProducer       3.95 ± 4.25 messages/us
 *   threeProducers    0.43 ± 0.62 messages/us
 */
