package lockfree.stage3.bench;

import lockfree.common.bench.SendQueueBenchmark;
import lockfree.common.contract.Outbound;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.stage3.MpscSendQueue;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/*
 * Batched or per-message drain: what one flush per batch buys.
 *
 * In Netty, write() puts a message into the channel's outbound buffer and flush() hands the
 * buffer to the socket: a write(2) or writev(2) system call. The easy way to send is
 * writeAndFlush() per message, i.e. one system call per message. The right way, which every
 * stage from 2 on takes, is to write everything the drain finds and flush once.
 *
 * The wrong and the right way below use the SAME queue, stage 3's MpscSendQueue, and differ in
 * one thing only: drain=perMessage gives the queue an outbound that flushes after every write,
 * as writeAndFlush would (the queue's own flush at the end of a pass then finds nothing to do,
 * and costs one more); drain=batched gives it the plain outbound, flushed once per pass.
 *
 * The fake outbound has no socket, so a flush costs nothing unless we charge for it: flushCost
 * is the number of Blackhole.consumeCPU tokens burnt per flush, standing in for the system call.
 * flushCost=0 shows the drain logic alone; flushCost=1000 shows what the batching is for (the
 * time of 1000 tokens on this machine is measured by JMH's own Blackhole, and is in the order of
 * a microsecond, the order of a small loopback send).
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage3 Stage3_03
 *
 * Results: not pasted here (a pasted number drifts from the next run). This benchmark is stage
 * 3's own; docs/BENCHMARKS.md lists it with the command above, and its numbers belong in a
 * committed JSON rendered there, like the cross-stage tables.
 */
public class Stage3_03_BatchedDrain extends SendQueueBenchmark {

    @Param({"batched", "perMessage"})
    public String drain;

    @Param({"0", "1000"})
    public int flushCost;

    @Override
    protected SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound) {
        return new MpscSendQueue<>(capacity, new PricedOutbound(outbound, flushCost, drain.equals("perMessage")));
    }

    /** The recording outbound, with a CPU price on every flush and optionally a flush per write. */
    static final class PricedOutbound implements Outbound<Object> {
        private final RecordingOutbound<Object> out;
        private final int flushCost;
        private final boolean flushEveryWrite;

        PricedOutbound(RecordingOutbound<Object> out, int flushCost, boolean flushEveryWrite) {
            this.out = out;
            this.flushCost = flushCost;
            this.flushEveryWrite = flushEveryWrite;
        }

        @Override public void execute(Runnable drain) { out.execute(drain); }
        @Override public boolean isWritable() { return out.isWritable(); }
        @Override public boolean isOpen() { return out.isOpen(); }
        @Override public void discard(Object message) { out.discard(message); }

        @Override
        public void write(Object message) {
            out.write(message);
            if (flushEveryWrite) {
                flush(); // writeAndFlush
            }
        }

        @Override
        public void flush() {
            Blackhole.consumeCPU(flushCost);
            out.flush();
        }
    }
}

