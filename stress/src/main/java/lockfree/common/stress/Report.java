package lockfree.common.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side table: one column per stage, one row per number; for the numbers where it
 * makes sense, each later stage also shows its ratio to the first column (stage 0 in an {@code all}
 * run). Printed as text after a run, and written as Markdown with {@code --markdown} for the docs.
 */
final class Report {
    private static final int LABEL = 26;
    private static final int COLUMN = 24;

    private Report() {
    }

    private record Row(String label, List<String> cells) {
    }

    static String table(String title, List<StageResult> stages) {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        for (Row r : rows(stages)) {
            sb.append(pad(r.label(), LABEL));
            r.cells().forEach(c -> sb.append(pad(c, COLUMN)));
            sb.append('\n');
        }
        warnings(stages).forEach(w -> sb.append("! ").append(w).append('\n'));
        return sb.toString();
    }

    /** The same table in Markdown, the warnings as a list under it. */
    static String markdown(List<StageResult> stages) {
        StringBuilder sb = new StringBuilder();
        List<Row> rows = rows(stages);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append("| ").append(r.label().equals("LOST") ? "**lost**" : r.label()).append(" |");
            for (String c : r.cells()) {
                sb.append(' ').append(r.label().equals("LOST") ? "**" + c + "**" : c).append(" |");
            }
            sb.append('\n');
            if (i == 0) {
                sb.append("|---".repeat(stages.size() + 1)).append("|\n");
            }
        }
        List<String> warnings = warnings(stages);
        if (!warnings.isEmpty()) {
            sb.append('\n');
            warnings.forEach(w -> sb.append("- ").append(w).append('\n'));
        }
        return sb.toString();
    }

    private static List<Row> rows(List<StageResult> stages) {
        List<Row> rows = new ArrayList<>();
        row(rows, "", stages, StageResult::stage);
        row(rows, "load average before", stages, StageResult::loadAverage);
        if (stages.stream().anyMatch(s -> s.gateways() > 1)) {
            row(rows, "gateway JVMs", stages, s -> s.gateways() + ("redis".equals(s.router()) ? ", joined by Redis" : ", on their own"));
        }
        row(rows, "users logged in", stages, s -> s.connected() + "/" + s.users());
        row(rows, "connect phase (s)", stages, s -> fmt(s.connectSeconds()));
        number(rows, "connect p99 (ms)", stages, s -> s.connectLatency().p99(), false);
        row(rows, "sent", stages, s -> Long.toString(s.counts().sent()));
        row(rows, "delivered", stages, s -> s.counts().delivered() + " (" + String.format(Locale.ROOT, "%.2f%%", s.successPercent()) + ")");
        row(rows, "dropped: answers / gateway", stages, s -> s.droppedByAnswers() + " / " + (s.droppedByGateway() < 0 ? "n/a" : s.droppedByGateway()));
        row(rows, "offline", stages, s -> Long.toString(s.counts().offline()));
        row(rows, "LOST", stages, s -> Long.toString(s.lost()));
        row(rows, "unexpected frames", stages, s -> Long.toString(s.unexpectedFrames()));
        number(rows, "throughput (msg/s)", stages, StageResult::throughput, true);
        number(rows, "latency p50 (ms)", stages, s -> s.latency().p50(), true);
        number(rows, "latency p90 (ms)", stages, s -> s.latency().p90(), true);
        number(rows, "latency p99 (ms)", stages, s -> s.latency().p99(), true);
        number(rows, "latency p99.9 (ms)", stages, s -> s.latency().p999(), true);
        number(rows, "latency max (ms)", stages, s -> s.latency().max(), true);
        number(rows, "gateway CPU (s)", stages, StageResult::gatewayCpuSeconds, true);
        number(rows, "CPU per delivery (us)", stages, StageResult::cpuMicrosPerDelivery, true);
        row(rows, "heap per connection (B)", stages, s -> bytes(s.heapPerConnection()));
        row(rows, "RSS per connection (B)", stages, s -> bytes(s.rssPerConnection()));
        if (stages.stream().anyMatch(s -> s.redisPerConnection() >= 0)) {
            row(rows, "Redis per connection (B)", stages, s -> bytes(s.redisPerConnection()));
        }
        if (stages.stream().anyMatch(s -> s.redisShards() != null && !s.redisShards().isEmpty())) {
            row(rows, "Redis MB, used / RSS", stages, s -> perShard(s, u -> mb(u.usedMemory()) + " / " + mb(u.rss())));
            row(rows, "Redis CPU (s) per master", stages, s -> perShard(s, u -> u.cpuSeconds() < 0 ? "n/a" : fmt(u.cpuSeconds())));
        }
        return rows;
    }

    private static List<String> warnings(List<StageResult> stages) {
        List<String> out = new ArrayList<>();
        for (StageResult s : stages) {
            if (s.stoppedEarly()) {
                out.add(s.stage() + ": the duration limit stopped sending early");
            }
            if (s.counts().extra() > 0) {
                out.add(s.stage() + ": " + s.counts().extra() + " deliveries more than were sent and not refused "
                        + "(duplicates, or messages reported refused that arrived anyway)");
            }
            if (s.lost() > 0) {
                out.add(s.stage() + ": " + s.lost() + " messages neither arrived within --settle nor were reported refused");
            }
            // Without a router every refusal is answered to the client that sent the message, so the
            // two counts must agree. (With one, a remote gateway's refusal is answered to nobody.)
            if ("none".equals(s.router()) && s.droppedByGateway() >= 0 && s.droppedByGateway() != s.droppedByAnswers()) {
                out.add(s.stage() + ": the answers reported " + s.droppedByAnswers() + " drops but the gateway counted "
                        + s.droppedByGateway() + " (a push that reaches fewer users than are logged in, with no drop "
                        + "counted, means the broadcast walk missed users)");
            }
            if (s.note() != null) {
                out.add(s.stage() + ": " + s.note());
            }
        }
        return out;
    }

    /** One value per Redis master, in the order they were read; "n/a" without a router. */
    private static String perShard(StageResult s, Function<ShardUsage, String> value) {
        return s.redisShards() == null || s.redisShards().isEmpty() ? "n/a"
                : String.join(", ", s.redisShards().stream().map(value).toList());
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : fmt(bytes / 1048576.0);
    }

    private static String bytes(long b) {
        return b < 0 ? "n/a" : Long.toString(b);
    }

    private static void row(List<Row> rows, String label, List<StageResult> stages, Function<StageResult, String> cell) {
        rows.add(new Row(label, stages.stream().map(cell).toList()));
    }

    /** A number per stage; with {@code ratio}, later columns add "(0.42x)" relative to the first. */
    private static void number(List<Row> rows, String label, List<StageResult> stages,
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
        rows.add(new Row(label, cells));
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
