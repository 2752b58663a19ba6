package lockfree.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/*
 * The plan's last step: "metrics with atomic counters", predicted to cut the metrics overhead by
 * about 90%. A gateway counts every message sent, dropped and received, from every thread that
 * delivers, so a counter increment sits on the hot path of every push.
 *
 * The wrong way is a counter guarded by a monitor: every increment takes and releases the lock,
 * and when two cores count at once, one of them finds it held. HotSpot's lock is cheap when
 * uncontended (a CAS on the object header to get it, another to release it), but contended it
 * spins and then parks the thread, a trip through the kernel.
 *
 * AtomicLong replaces the lock by one atomic add (LOCK XADD on x86): no thread ever waits for
 * another to leave a critical section. But every increment still needs the counter's cache line
 * exclusively, so with two cores counting the line moves back and forth between them, and each
 * add waits for that transfer.
 *
 * LongAdder is the right way for a counter that is written far more often than it is read (a
 * /metrics scrape every few seconds against millions of increments): under contention it gives
 * threads separate cells, on separate cache lines, and sum() adds them up. Uncontended it is one
 * CAS on a base field, like AtomicLong. This is what common's metrics use (Prometheus' Java
 * client's counters are striped the same way).
 *
 * The score is the time of one increment, per thread (lower is better). Run with 1..4 threads;
 * this machine has 2 cores, so 3 and 4 threads oversubscribe it and measure the OS scheduler too.
 *
 * HOW TO RUN (part of ./bench.sh all; on its own, from the repository root):
 *
 *   ./bench.sh jmh Metrics_01 -t 2
 *
 * RESULT: the cross-stage run in docs/BENCHMARKS.md ("Metrics counters").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class Metrics_01_Counters {

    /* Shared by all threads, as the gateway's counters are. */
    private final Object lock = new Object();
    private long lockedCount;
    private final AtomicLong atomic = new AtomicLong();
    private final LongAdder adder = new LongAdder();

    @Benchmark
    public long synchronizedCounter() {
        synchronized (lock) {
            return ++lockedCount;
        }
    }

    @Benchmark
    public long atomicLong() {
        return atomic.incrementAndGet();
    }

    /* increment() returns nothing: a LongAdder never computes the total on the write path. */
    @Benchmark
    public void longAdder() {
        adder.increment();
    }
}
