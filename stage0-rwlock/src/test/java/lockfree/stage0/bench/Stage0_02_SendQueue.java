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
 * Its memory: the whole 1024-slot array per session even when idle, allocated up front
 * (stage3-lockfree/docs/queue-footprint.txt measures every stage's queue with JOL).
 *
 * The workload is common's SendQueueBenchmark: one and three producers offer to one session's
 * queue; the consumer is a single thread standing in for the event loop.
 *
 * HOW TO RUN (from the repository root; about 40 s: 2 trials x 2 forks x 10 s):
 *
 *   ./bench.sh stage0 Stage0_02
 *
 * Results: docs/BENCHMARKS.md, rendered from the run that measures this same workload for every
 * stage, stage3-boxed and the limit at once (./bench.sh all); a ratio between stages is fair only
 * within one run, so no result is pasted here.
 */
public class Stage0_02_SendQueue extends SendQueueBenchmark {
    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return new LockedSendQueue<>(capacity, outbound);
    }
}

