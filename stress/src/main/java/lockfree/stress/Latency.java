package lockfree.stress;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * A latency distribution in milliseconds, as the report prints it, plus the codec that carries a
 * whole histogram from a client JVM to the coordinator (percentiles of merged runs must come from
 * merged histograms; averaging two p99s is not a p99).
 *
 * @param count  recorded values
 * @param p50    median, ms
 * @param p90    ms
 * @param p99    ms
 * @param p999   99.9th percentile, ms
 * @param max    ms
 * @param mean   ms
 */
public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {

    private static final double NANOS_PER_MS = 1e6;

    /** The percentiles of a histogram of nanoseconds. */
    public static Latency of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new Latency(nanos.getTotalCount(),
                ms(nanos.getValueAtPercentile(50)), ms(nanos.getValueAtPercentile(90)),
                ms(nanos.getValueAtPercentile(99)), ms(nanos.getValueAtPercentile(99.9)),
                ms(nanos.getMaxValue()), nanos.getMean() / NANOS_PER_MS);
    }

    private static double ms(long nanos) {
        return nanos / NANOS_PER_MS;
    }

    /** A histogram as compressed base64, small enough for one line of a worker's output. */
    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        byte[] bytes = new byte[n];
        buf.flip();
        buf.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not an encoded histogram", e);
        }
    }
}
