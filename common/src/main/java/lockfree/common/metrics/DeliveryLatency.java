package lockfree.common.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own delivery latency: from routing's {@code LocalDelivery} offering a frame to a
 * session's send queue until that queue's drain writes it to the channel. That span is the send queue plus
 * the wait for the connection's event loop, which is exactly what the stages change; it ends at
 * the write into Netty's outbound buffer, before the kernel and the network, which no stage
 * touches.
 *
 * <p>What it costs per message, and why:
 * <ul>
 *   <li>No allocation. The offer already allocates one frame object per recipient; the offer
 *       time rides on it (routing's {@code OutboundFrame}), and the write hands this class only
 *       that time, a {@code long}.</li>
 *   <li>Two {@code System.nanoTime()} reads (a vDSO call, tens of nanoseconds): one at the offer,
 *       one at the write. Every message is measured, so the rare slow ones the tail is made of
 *       are never sampled away.</li>
 *   <li>No shared write. A single HdrHistogram {@code Recorder} for all event loops would make
 *       every write increment the same counters from every thread, the contended cache line this
 *       workshop is about removing. Instead each writing thread (an event loop) owns a
 *       {@link SingleWriterRecorder}: recording is wait-free and touches only that thread's
 *       memory; the reader swaps each recorder's histogram out under its phaser.</li>
 * </ul>
 *
 * <p>Exposed at {@code /metrics} as the summary {@code gateway_delivery_latency_seconds}: count
 * and sum since start, and quantiles over the last window. A window closes when it is read and at
 * least {@link #WINDOW_NANOS} old, so the dashboard polling every second sees per-second
 * percentiles, and several readers (two dashboards, Prometheus) share windows instead of
 * stealing each other's samples.
 */
public final class DeliveryLatency {
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};
    /** Longer waits are recorded as this; a frame queued for a minute is lost to its user anyway. */
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int DIGITS = 2;

    /** One writing thread's recorder, and the histogram the reader swaps back into it. */
    private static final class Lane {
        final SingleWriterRecorder recorder = new SingleWriterRecorder(HIGHEST_NANOS, DIGITS);
        Histogram spare; // reader side only; a recorder takes back only histograms it produced
    }

    private final List<Lane> lanes = new CopyOnWriteArrayList<>();
    /*
     * Each writing thread finds its own recorder here. The JDK's ThreadLocal rather than Netty's
     * FastThreadLocal (an array index on Netty's threads where this is a hashed lookup): metrics
     * depends on no transport, and the lookup still reads only the writing thread's own map.
     */
    private final ThreadLocal<SingleWriterRecorder> mine = ThreadLocal.withInitial(() -> {
        Lane lane = new Lane();
        lanes.add(lane); // once per thread, not per message
        return lane.recorder;
    });

    // Reader side only, guarded by this: the window being summed and what the last one showed.
    private final Histogram window = new Histogram(HIGHEST_NANOS, DIGITS);
    private final double[] lastQuantiles = new double[QUANTILES.length];
    private long windowStart = System.nanoTime();
    private long count;
    private double sumSeconds;

    /**
     * Records one message written now that was offered at {@code offeredAtNanos}
     * ({@code System.nanoTime()}). Called by the drain's write, on the channel's event loop.
     */
    public void record(long offeredAtNanos) {
        long nanos = System.nanoTime() - offeredAtNanos;
        mine.get().recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
    }

    /** Feeds {@code cb} with count, sum and the last window's quantiles, closing the window if due. */
    synchronized void report(Summary cb) {
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            window.reset();
            for (Lane lane : lanes) {
                lane.spare = lane.recorder.getIntervalHistogram(lane.spare);
                window.add(lane.spare);
            }
            windowStart = now;
            long n = window.getTotalCount();
            count += n;
            sumSeconds += n * window.getMean() / 1e9;
            for (int i = 0; i < QUANTILES.length; i++) {
                lastQuantiles[i] = n == 0 ? Double.NaN : window.getValueAtPercentile(QUANTILES[i] * 100) / 1e9;
            }
        }
        cb.report(count, sumSeconds, lastQuantiles);
    }

    /** Where a report goes; quantile i is for {@link #QUANTILES}[i], in seconds, NaN if none. */
    interface Summary {
        void report(long count, double sumSeconds, double[] quantileSeconds);
    }
}
