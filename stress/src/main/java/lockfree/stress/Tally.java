package lockfree.stress;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one load generator, written by its event-loop threads (deliveries, acks),
 * its pacer thread (sends) and the HTTP client's threads (push answers), all at once.
 *
 * <p>The counters are {@link LongAdder}s: every receiving thread increments {@code delivered}
 * thousands of times a second, and an {@code AtomicLong} would make them all CAS one cache line;
 * an adder gives each contending thread its own cell and sums them when read. Latencies go into
 * an HdrHistogram {@link Recorder}, whose writers never block or retry: they bump a phase counter,
 * record into the active histogram, and bump it again, so recording costs the same however many
 * threads record and the reader never stops them.
 *
 * <p>The recorders have a fixed range, not HdrHistogram's auto-resizing one. Auto-resizing under
 * concurrent writers can hand over a histogram whose header names a smaller range than the counts
 * it holds: two writers that each grow the counts array set the recorded range after the resize's
 * lock, so the smaller of the two may be set last. Such a histogram fails to decode past the end
 * of its array. A fixed range never resizes, so the header is the one it was built with.
 *
 * <p>Reads ({@link #counts()}) are not a snapshot: counters read one after another may each include
 * a little more. Settling compares them only once sending has stopped, where that is harmless.
 */
final class Tally {
    /** Latencies are nanoseconds; 3 significant digits keeps every percentile within 0.1%. */
    private static final int DIGITS = 3;
    /** Longer latencies are recorded as this: no run of the tool lasts an hour. */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

    private final LongAdder sent = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder offline = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder answers = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final Recorder latency = new Recorder(HIGHEST_NANOS, DIGITS);
    private final Recorder connect = new Recorder(HIGHEST_NANOS, DIGITS);

    /** One message (or one recipient of a push) is about to go out. */
    void sent(long deliveries) {
        sent.add(deliveries);
    }

    /** A frame or push that the gateway will answer (ack, push response) is about to go out. */
    void requested() {
        requests.increment();
    }

    /** A message arrived; {@code sentAtNanos} travelled inside it. */
    void delivered(long sentAtNanos, long nowNanos) {
        delivered.increment();
        latency.recordValue(inRange(nowNanos - sentAtNanos));
    }

    /** The gateway answered a {@code send}: {@code ok}, {@code dropped} or {@code offline}. */
    void acked(String status) {
        switch (status) {
            case "ok" -> { }
            case "dropped" -> dropped.increment();
            case "offline" -> offline.increment();
            default -> unexpected.increment();
        }
        answers.increment();
    }

    /** The gateway answered a push to {@code recipients} users: {@code accepted} of them took it. */
    void pushAnswered(long recipients, long accepted) {
        dropped.add(Math.max(0, recipients - accepted));
        answers.increment();
    }

    /** A push or send that failed outright (no answer will come); its messages stay unaccounted. */
    void failed() {
        unexpected.increment();
        answers.increment();
    }

    /** A frame the tool did not expect: an error frame, an unknown ack status. */
    void unexpected() {
        unexpected.increment();
    }

    void connected(long nanos) {
        connect.recordValue(inRange(nanos));
    }

    private static long inRange(long nanos) {
        return Math.max(0, Math.min(nanos, HIGHEST_NANOS));
    }

    Counts counts() {
        return new Counts(sent.sum(), delivered.sum(), dropped.sum(), offline.sum(), requests.sum(), answers.sum());
    }

    long unexpectedFrames() {
        return unexpected.sum();
    }

    /** Everything recorded since the last call (the Recorder swaps its histograms). */
    Histogram takeLatency() {
        return latency.getIntervalHistogram();
    }

    Histogram takeConnect() {
        return connect.getIntervalHistogram();
    }
}
