package lockfree.common.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side table: one column per stage, one row per number; for the numbers where it
 * makes sense, each later stage also shows its ratio to the first column (stage 0 in an {@code all}
 * run).
 */
final class Report {
    private static final int LABEL = 26;
    private static final int COLUMN = 24;

    private Report() {
    }

    static String table(String title, List<StageResult> stages) {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        row(sb, "", stages, StageResult::stage);
        row(sb, "load average before", stages, StageResult::loadAverage);
        row(sb, "users logged in", stages, s -> s.connected() + "/" + s.users());
        row(sb, "connect phase (s)", stages, s -> fmt(s.connectSeconds()));
        number(sb, "connect p99 (ms)", stages, s -> s.connectLatency().p99(), false);
        row(sb, "sent", stages, s -> Long.toString(s.counts().sent()));
        row(sb, "delivered", stages, s -> s.counts().delivered() + " (" + String.format(Locale.ROOT, "%.2f%%", s.successPercent()) + ")");
        row(sb, "dropped: answers / gateway", stages, s -> s.droppedByAnswers() + " / " + (s.droppedByGateway() < 0 ? "n/a" : s.droppedByGateway()));
        row(sb, "offline", stages, s -> Long.toString(s.counts().offline()));
        row(sb, "LOST (not in by --settle)", stages, s -> Long.toString(s.lost()));
        row(sb, "unexpected frames", stages, s -> Long.toString(s.unexpectedFrames()));
        number(sb, "throughput (msg/s)", stages, StageResult::throughput, true);
        number(sb, "latency p50 (ms)", stages, s -> s.latency().p50(), true);
        number(sb, "latency p90 (ms)", stages, s -> s.latency().p90(), true);
        number(sb, "latency p99 (ms)", stages, s -> s.latency().p99(), true);
        number(sb, "latency p99.9 (ms)", stages, s -> s.latency().p999(), true);
        number(sb, "latency max (ms)", stages, s -> s.latency().max(), true);
        number(sb, "gateway CPU (s)", stages, StageResult::gatewayCpuSeconds, true);
        number(sb, "CPU per delivery (us)", stages, StageResult::cpuMicrosPerDelivery, true);
        row(sb, "heap per connection (B)", stages, s -> bytes(s.heapPerConnection()));
        row(sb, "RSS per connection (B)", stages, s -> bytes(s.rssPerConnection()));
        if (stages.stream().anyMatch(s -> s.redisPerConnection() >= 0)) {
            row(sb, "Redis per connection (B)", stages, s -> bytes(s.redisPerConnection()));
        }
        for (StageResult s : stages) {
            if (s.stoppedEarly()) {
                sb.append("! ").append(s.stage()).append(": the duration limit stopped sending early\n");
            }
            // Without a router every refusal is answered to the client that sent the message, so the
            // two counts must agree. (With one, a remote gateway's refusal is answered to nobody.)
            if ("none".equals(s.router()) && s.droppedByGateway() >= 0 && s.droppedByGateway() != s.droppedByAnswers()) {
                sb.append("! ").append(s.stage()).append(": the answers reported ").append(s.droppedByAnswers())
                        .append(" drops but the gateway counted ").append(s.droppedByGateway())
                        .append(" (a push that reaches fewer users than are logged in, with no drop counted, ")
                        .append("means the broadcast walk missed users)\n");
            }
            if (s.note() != null) {
                sb.append("! ").append(s.stage()).append(": ").append(s.note()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String bytes(long b) {
        return b < 0 ? "n/a" : Long.toString(b);
    }

    private static void row(StringBuilder sb, String label, List<StageResult> stages, Function<StageResult, String> cell) {
        sb.append(pad(label, LABEL));
        for (StageResult s : stages) {
            sb.append(pad(cell.apply(s), COLUMN));
        }
        sb.append('\n');
    }

    /** A number per stage; with {@code ratio}, later columns add "(0.42x)" relative to the first. */
    private static void number(StringBuilder sb, String label, List<StageResult> stages,
                               ToDoubleFunction<StageResult> value, boolean ratio) {
        List<String> cells = new ArrayList<>();
        double base = stages.isEmpty() ? 0 : value.applyAsDouble(stages.get(0));
        for (int i = 0; i < stages.size(); i++) {
            double v = value.applyAsDouble(stages.get(i));
            String cell = v < 0 ? "n/a" : fmt(v);
            if (ratio && i > 0 && base > 0 && v >= 0) {
                cell += String.format(Locale.ROOT, " (%.2fx)", v / base);
            }
            cells.add(cell);
        }
        sb.append(pad(label, LABEL));
        cells.forEach(c -> sb.append(pad(c, COLUMN)));
        sb.append('\n');
    }

    static String fmt(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.3f", v);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + ' ' : s + " ".repeat(width - s.length());
    }
}
