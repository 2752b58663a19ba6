package lockfree.stage0.bench;

import lockfree.common.bench.SendQueueBenchmark;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.stage0.LockedSendQueue;

/*
 * Stage 0's send queue: an ArrayBlockingQueue (one lock for both ends) and a drain task per offer.
 *
 * The plan's Go version is a buffered channel of 1024 slots: a ring buffer under one mutex. The
 * ArrayBlockingQueue is the same thing in Java, and it has the same weakness: producers and the
 * consumer take the same lock, so with a backlog every offer competes with every poll. On top,
 * each offer hands a drain task to the event loop, so a burst of n messages is n tasks (and the
 * drain flushes per message).
 *
 * Its memory: 4,256 bytes per session even when idle, the 1024-slot array being allocated up
 * front (stage3-lockfree/docs/queue-footprint.txt measures every stage's queue with JOL).
 *
 * The workload is common's SendQueueBenchmark: one and three producers offer to one session's
 * queue; the consumer is a single thread standing in for the event loop.
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage0 Stage0_02
 *
 * RESULT: see the end of this file.
 */
public class Stage0_02_SendQueue extends SendQueueBenchmark {
    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return new LockedSendQueue<>(capacity, outbound);
    }
}

/*
 * RESULT, from the cross-stage run that runs this same workload for all four stages
 * (./bench.sh all, 2026-11-24 04:50-05:08 UTC, 2-vCPU AMD EPYC VM, OpenJDK 17.0.15, JMH 1.37,
 * 2 forks x 3 x 1 s; load average 13-24 from other builds: indicative only, read the errors).
 * Ratios to the other stages and the reasons: docs/BENCHMARKS.md.
 *
 *   oneProducer       1.84 ± 1.27 messages/us
 *   threeProducers    0.65 ± 0.40 messages/us
 */
