package lockfree.common.bench;

import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.common.testkit.Patience;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The send-queue workload every stage is measured with: producers offer to ONE session's queue,
 * its drain writes on the outbound's single consumer thread, as in the gateway when several
 * publishers push to one busy user.
 *
 * <p>The consumer is common's {@link RecordingOutbound} in counting mode: a one-thread executor
 * standing in for the channel's event loop, whose write and flush only count. It has no socket,
 * so a flush costs nanoseconds here instead of a system call; what this measures is the queue,
 * its wake-ups (one executor task per {@code execute}) and its drain loop.
 *
 * <p><b>One operation</b> is one message accepted by the queue. When the queue is full (the
 * drain is behind) the producer yields and retries, so in the steady state the score is the rate
 * at which the drain empties the queue, limited by what the producers cost it. Yield, not spin:
 * on a 2-core machine the consumer thread needs a core to make room.
 *
 * <p>Two groups: {@code oneProducer} and {@code threeProducers}. Each group has its own queue:
 * the benchmark object itself is {@code Scope.Group} state. Three producers plus the consumer thread are four runnable threads: on a
 * 2-core machine that oversubscribes the CPU, which is also what a gateway under load does.
 *
 * <p>A subclass says which queue to build ({@link #newQueue}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Group)
public abstract class SendQueueBenchmark {

    /** The plan's per-session capacity. */
    public static final int CAPACITY = 1024;

    private static final Object MESSAGE = new Object();

    /* The benchmark object is the group's state: each group gets its own queue and consumer. */
    protected RecordingOutbound<Object> outbound;
    protected SendQueue<Object> queue;

    /** Builds the stage's queue on the given outbound. */
    protected abstract SendQueue<Object> newQueue(int capacity, RecordingOutbound<Object> outbound);

    @Setup(Level.Trial)
    public void open() {
        outbound = new RecordingOutbound<>("bench", false);
        queue = newQueue(CAPACITY, outbound);
    }

    /** Fails the trial if the drain broke a rule (wrong thread, overlapping drains) or stranded messages. */
    @TearDown(Level.Trial)
    public void check() throws Exception {
        try {
            outbound.awaitQuiescence(Patience.seconds(10));
            if (!outbound.violations().isEmpty()) {
                throw new IllegalStateException("the drain broke the SendQueue rules: " + outbound.violations());
            }
            if (queue.size() != 0) {
                throw new IllegalStateException(queue.size() + " messages stranded in the queue");
            }
        } finally {
            outbound.close();
        }
    }

    @Benchmark
    @Group("oneProducer")
    @GroupThreads(1)
    public void oneProducer() {
        offer(queue);
    }

    @Benchmark
    @Group("threeProducers")
    @GroupThreads(3)
    public void threeProducers() {
        offer(queue);
    }

    private static void offer(SendQueue<Object> queue) {
        while (!queue.offer(MESSAGE)) {
            Thread.yield(); // full: let the consumer thread run
        }
    }
}
