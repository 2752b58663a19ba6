package lockfree.stage3.bench;

import lockfree.common.bench.SendQueueBenchmark;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.stage3.MpscSendQueue;

/*
 * Stage 3's send queue: JCTools' chunked MPSC queue and a drain scheduled by whichever producer
 * moves a work-in-progress counter off zero (read MpscSendQueue's comment).
 *
 * A producer's offer is one CAS on the producer index plus a store into the slot; the consumer
 * never CASes and never takes a lock. Producers contend only with each other, on that one index,
 * and never wait for a thread that holds something: a producer descheduled in the middle of its
 * offer delays nobody (relaxedPoll skips its slot until it is filled). The plan predicts push
 * latency -30..50% from the lock-free ring buffer; with one producer there is little contention
 * to remove, so the difference, if any, should show with three.
 *
 * Memory: what an idle session's whole queue holds is measured by QueueFootprint
 * (stage3-lockfree/docs/queue-footprint.txt).
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage3 Stage3_02
 *
 * Results: not pasted here (a pasted number drifts from the next run). The cross-stage run of
 * this workload is rendered in docs/BENCHMARKS.md from its committed JSON.
 */
public class Stage3_02_SendQueue extends SendQueueBenchmark {
    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return new MpscSendQueue<>(capacity, outbound);
    }
}

