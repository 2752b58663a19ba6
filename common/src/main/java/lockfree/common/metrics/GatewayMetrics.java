package lockfree.common.metrics;

import lockfree.common.protocol.ErrorCode;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.DoubleSupplier;

/**
 * The gateway's counters and gauges, exposed at {@code GET /metrics} in the Prometheus text format.
 *
 * <p>Each gateway owns its registry (tests run several gateways in one JVM). The Prometheus client's
 * counters are striped per thread, the {@code LongAdder} idea: the hot paths (messages in/out) are
 * incremented by every event loop at once, and one shared {@code AtomicLong} would make all of
 * them contend on one cache line. That is the plan's "atomic metrics" step, taken for us by a
 * library; the metrics benchmark shows what it buys.
 */
public final class GatewayMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public final Counter messagesIn;
    public final Counter messagesOut;
    public final Counter pushesDropped;
    public final Counter slowConsumerCloses;
    public final Counter errors;
    public final Counter logins;
    public final Counter kicks;
    public final Counter connectionsRefused;
    public final DeliveryLatency deliveryLatency = new DeliveryLatency();

    public GatewayMetrics(String stage) {
        Info.builder().name("gateway_stage_info").help("Which stage of the workshop this gateway is")
                .labelNames("stage").register(registry).setLabelValues(stage);
        messagesIn = counter("gateway_messages_in_total", "WebSocket text frames received from clients");
        messagesOut = counter("gateway_messages_out_total", "Frames written to clients by the send-queue drains");
        pushesDropped = counter("gateway_pushes_dropped_total", "Messages dropped because the recipient's send queue was full");
        slowConsumerCloses = counter("gateway_slow_consumer_closes_total", "Sessions closed because their send queue stayed full");
        logins = counter("gateway_logins_total", "Successful logins");
        kicks = counter("gateway_kicks_total", "Sessions kicked by a newer login of the same user");
        connectionsRefused = counter("gateway_connections_refused_total", "Connections refused over --max-connections");
        errors = Counter.builder().name("gateway_errors_total")
                .help("Bad input answered with an error frame, close code or HTTP error, by error code")
                .labelNames("code").register(registry);
        SummaryWithCallback.builder().name("gateway_delivery_latency_seconds")
                .help("From offer to a send queue until the drain writes the frame; quantiles over the last second or so")
                .callback(cb -> deliveryLatency.report((count, sum, q) -> {
                    Quantile[] quantiles = new Quantile[q.length];
                    for (int i = 0; i < q.length; i++) {
                        quantiles[i] = new Quantile(DeliveryLatency.QUANTILES[i], q[i]);
                    }
                    cb.call(count, sum, Quantiles.of(quantiles));
                }))
                .register(registry);
    }

    /** Registers a counter on this gateway's registry; routers add their own series this way. */
    public Counter counter(String name, String help) {
        return Counter.builder().name(name).help(help).register(registry);
    }

    public Counter counter(String name, String help, String label) {
        return Counter.builder().name(name).help(help).labelNames(label).register(registry);
    }

    /** A histogram with fixed bucket bounds (classic buckets only: the text format shows them). */
    public Histogram histogram(String name, String help, double... upperBounds) {
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(upperBounds)
                .register(registry);
    }

    /** A gauge read at scrape time, so nothing on the hot path has to keep it up to date. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    public void error(ErrorCode code) {
        errors.labelValues(code.wire()).inc();
    }

    /** Current value of a counter or gauge sample, for tests and /health. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    public long messagesIn() { return messagesIn.getLongValue(); }
    public long messagesOut() { return messagesOut.getLongValue(); }
    public long pushesDropped() { return pushesDropped.getLongValue(); }
    public long slowConsumerCloses() { return slowConsumerCloses.getLongValue(); }
    public long logins() { return logins.getLongValue(); }
    public long kicks() { return kicks.getLongValue(); }
    public long errors(ErrorCode code) { return (long) errors.labelValues(code.wire()).get(); }
}
