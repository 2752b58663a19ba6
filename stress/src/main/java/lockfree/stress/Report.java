package lockfree.stress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side table: one column per target (stage or limit), one row per figure. With
 * {@code --repeat N} every figure is the median of the N interleaved runs with its range (min-max
 * up to eight runs, see {@link Spread}), and the counts are totals over the runs. The key figures
 * are followed by labelled ratio rows: each column's median divided by stage 0's and by the
 * limit's. A ratio is called a difference only where the two columns' ranges do not overlap, which
 * needs at least two runs; otherwise the cell says "not resolved". Printed as text after a run, and
 * written as Markdown for the docs ({@code --markdown}, {@code ./stress.sh render}).
 */
final class Report {
    private static final String NOT_RESOLVED = "not resolved";

    private Report() {
    }

    private record Row(String label, List<String> cells) {
    }

    /** One target's results, one per repeat. */
    record Column(String name, List<StageResult> runs) {
        boolean limit() {
            return Target.LIMIT_NAME.equals(name);
        }
    }

    /**
     * A figure over a column's runs: the median, and the range two columns are compared by. The
     * range is the pair of order statistics [k-th lowest, k-th highest] that holds the median of
     * the runs' distribution with probability at least 15/16, what min-max gives over five runs
     * (the median is outside it only when all five runs fall on one side of it: 2 in 32). Up to
     * eight runs that takes k = 1, min-max (with fewer than five, at less confidence); from nine
     * runs on a larger k reaches it, so more repeats narrow the range, where a min-max range could
     * only widen with each run added. Null when some run could not measure the figure.
     */
    record Spread(double median, double low, double high, int runs) {
        static Spread of(List<StageResult> runs, ToDoubleFunction<StageResult> f) {
            double[] v = new double[runs.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = f.applyAsDouble(runs.get(i));
            }
            return of(v);
        }

        /** The spread of one figure's values, one per run; null when a run could not measure it (negative). */
        static Spread of(double[] values) {
            double[] v = values.clone();
            for (double x : v) {
                if (x < 0) {
                    return null;
                }
            }
            Arrays.sort(v);
            int n = v.length;
            double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            int k = order(n);
            return new Spread(median, v[k - 1], v[n - k], n);
        }

        /**
         * The k of the range over n runs: the largest whose [k-th lowest, k-th highest] still holds
         * the median with probability at least 15/16. The range misses the median only when fewer
         * than k runs fall on one side of it, which happens with probability
         * 2 * P(Binomial(n, 1/2) < k).
         */
        static int order(int n) {
            int k = 1;
            while (k + 1 <= (n + 1) / 2 && 2 * fewerThan(n, k + 1) <= 1.0 / 16) {
                k++;
            }
            return k;
        }

        /* P(Binomial(n, 1/2) < k): the chance that fewer than k of n runs fall below the median. */
        private static double fewerThan(int n, int k) {
            double sum = 0;
            double choose = 1;
            for (int i = 0; i < k; i++) {
                sum += choose;
                choose = choose * (n - i) / (i + 1);
            }
            return sum / Math.pow(2, n);
        }

        /** Why a range over nine runs or more is not min-max, for the captions that print one. */
        static final String WHY = "The range holds the median of such runs with probability at least 15/16, "
                + "as min-max does over 5 runs; more runs narrow it. ";

        /** The range in words, as the captions print it: "min-max", or "2nd lowest-2nd highest". */
        static String words(int runs) {
            int k = order(runs);
            return k == 1 ? "min-max" : ordinal(k) + " lowest-" + ordinal(k) + " highest";
        }

        private static String ordinal(int k) {
            return k + (k % 100 / 10 == 1 ? "th" : switch (k % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            });
        }

        /** Two spreads are told apart only by at least two runs each whose ranges do not overlap. */
        boolean resolvedFrom(Spread o) {
            return runs >= 2 && o.runs >= 2 && (high < o.low || o.high < low);
        }

        String cell() {
            return runs == 1 ? fmt(median) : fmt(median) + " [" + fmt(low) + "-" + fmt(high) + "]";
        }
    }

    /** The columns of a run, in the targets' order; each repeat lists the same targets. */
    static List<Column> columns(List<List<StageResult>> repeats) {
        Map<String, List<StageResult>> byName = new LinkedHashMap<>();
        for (List<StageResult> repeat : repeats) {
            for (StageResult s : repeat) {
                byName.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(s);
            }
        }
        List<Column> out = new ArrayList<>();
        byName.forEach((name, runs) -> out.add(new Column(name, runs)));
        return out;
    }

    static String table(String title, List<List<StageResult>> repeats) {
        List<Row> rows = rows(columns(repeats));
        int label = rows.stream().mapToInt(r -> r.label().length()).max().orElse(0) + 2;
        int[] width = new int[rows.get(0).cells().size()];
        for (Row r : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r.cells().get(i).length() + 2);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        for (Row r : rows) {
            StringBuilder line = new StringBuilder(pad(r.label(), label));
            for (int i = 0; i < width.length; i++) {
                line.append(pad(r.cells().get(i), width[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append(legend(repeats.size())).append('\n');
        warnings(repeats).forEach(w -> sb.append("! ").append(w).append('\n'));
        return sb.toString();
    }

    /** The same table in Markdown, the legend and the warnings under it. */
    static String markdown(List<List<StageResult>> repeats) {
        StringBuilder sb = new StringBuilder();
        List<Row> rows = rows(columns(repeats));
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            boolean lost = r.label().equals("LOST");
            sb.append("| ").append(lost ? "**lost**" : r.label()).append(" |");
            for (String c : r.cells()) {
                sb.append(' ').append(lost ? "**" + c + "**" : c).append(" |");
            }
            sb.append('\n');
            if (i == 0) {
                sb.append("|---".repeat(r.cells().size() + 1)).append("|\n");
            }
        }
        sb.append('\n').append(legend(repeats.size())).append('\n');
        List<String> warnings = warnings(repeats);
        if (!warnings.isEmpty()) {
            sb.append('\n');
            warnings.forEach(w -> sb.append("- ").append(w).append('\n'));
        }
        return sb.toString();
    }

    static String legend(int repeats) {
        return repeats == 1
                ? "One run per column. \"ratio to X\": this column's figure / X's. One run cannot tell a difference "
                + "from noise, so no ratio is called resolved (--repeat N runs the columns N times, interleaved)."
                : "Each figure: median [" + Spread.words(repeats) + "] of " + repeats + " interleaved runs; counts are "
                + "totals over the runs. " + (Spread.order(repeats) > 1 ? Spread.WHY : "")
                + "\"ratio to X\": this column's median / X's, called a difference only where the two ranges do not "
                + "overlap, \"" + NOT_RESOLVED + "\" otherwise.";
    }

    private static List<Row> rows(List<Column> cols) {
        Column base = cols.stream().filter(c -> c.name().startsWith("stage0")).findFirst()
                .orElse(cols.stream().filter(c -> !c.limit()).findFirst().orElse(null));
        Column limit = cols.stream().filter(Column::limit).findFirst().orElse(null);
        List<Column> ratioTo = new ArrayList<>();
        if (cols.size() > 1) {
            if (base != null) {
                ratioTo.add(base);
            }
            if (limit != null) {
                ratioTo.add(limit);
            }
        }
        boolean many = cols.stream().anyMatch(c -> c.runs().size() > 1);
        List<Row> rows = new ArrayList<>();
        row(rows, "", cols, Column::name);
        if (many) {
            figure(rows, "load average before (1 min)", cols, s -> Double.parseDouble(s.loadAverage().split(" ")[0]), null, ratioTo);
        } else {
            row(rows, "load average before", cols, c -> c.runs().get(0).loadAverage());
        }
        if (cols.stream().anyMatch(c -> c.runs().get(0).gateways() > 1)) {
            row(rows, "gateway JVMs", cols, c -> c.runs().get(0).gateways()
                    + ("redis".equals(c.runs().get(0).router()) ? ", joined by Redis" : ", on their own"));
        }
        row(rows, "users logged in", cols, Report::loggedIn);
        figure(rows, "connect phase (s)", cols, StageResult::connectSeconds, null, ratioTo);
        figure(rows, "connect p99 (ms)", cols, s -> s.connectLatency().p99(), null, ratioTo);
        row(rows, "sent", cols, c -> Long.toString(sum(c, s -> s.counts().sent())));
        row(rows, "delivered", cols, c -> {
            long sent = sum(c, s -> s.counts().sent());
            long delivered = sum(c, s -> s.counts().delivered());
            return delivered + " (" + String.format(Locale.ROOT, "%.2f%%", sent == 0 ? 100.0 : 100.0 * delivered / sent) + ")";
        });
        row(rows, "dropped: answers / gateway", cols, c -> sum(c, StageResult::droppedByAnswers) + " / "
                + (c.runs().stream().anyMatch(s -> s.droppedByGateway() < 0) ? "n/a" : sum(c, StageResult::droppedByGateway)));
        row(rows, "offline", cols, c -> Long.toString(sum(c, s -> s.counts().offline())));
        row(rows, "LOST", cols, c -> Long.toString(sum(c, StageResult::lost)));
        row(rows, "unexpected frames", cols, c -> Long.toString(sum(c, StageResult::unexpectedFrames)));
        figure(rows, "throughput (msg/s)", cols, StageResult::throughput, "throughput", ratioTo);
        figure(rows, "latency p50 (ms)", cols, s -> s.latency().p50(), "p50", ratioTo);
        figure(rows, "latency p90 (ms)", cols, s -> s.latency().p90(), null, ratioTo);
        figure(rows, "latency p99 (ms)", cols, s -> s.latency().p99(), "p99", ratioTo);
        figure(rows, "latency p99.9 (ms)", cols, s -> s.latency().p999(), null, ratioTo);
        figure(rows, "latency max (ms)", cols, s -> s.latency().max(), null, ratioTo);
        figure(rows, "gateway CPU (s)", cols, StageResult::gatewayCpuSeconds, null, ratioTo);
        figure(rows, "CPU per delivery (us)", cols, StageResult::cpuMicrosPerDelivery, "CPU per delivery", ratioTo);
        figure(rows, "heap per connection (B)", cols, s -> s.heapPerConnection(), null, ratioTo);
        figure(rows, "RSS per connection (B)", cols, s -> s.rssPerConnection(), null, ratioTo);
        if (cols.stream().flatMap(c -> c.runs().stream()).anyMatch(s -> s.redisPerConnection() >= 0)) {
            figure(rows, "Redis per connection (B)", cols, s -> s.redisPerConnection(), null, ratioTo);
        }
        // Per master, from the column's first run: shard figures are read once per run, and a
        // cluster run is not repeated (REPEAT applies to the one-machine targets).
        if (cols.stream().map(c -> c.runs().get(0)).anyMatch(s -> s.redisShards() != null && !s.redisShards().isEmpty())) {
            row(rows, "Redis MB, used / RSS", cols, c -> perShard(c.runs().get(0), u -> mb(u.usedMemory()) + " / " + mb(u.rss())));
            row(rows, "Redis CPU (s) per master", cols, c -> perShard(c.runs().get(0), u -> u.cpuSeconds() < 0 ? "n/a" : fmt(u.cpuSeconds())));
        }
        return rows;
    }

    private static String loggedIn(Column c) {
        int min = c.runs().stream().mapToInt(StageResult::connected).min().orElse(0);
        int max = c.runs().stream().mapToInt(StageResult::connected).max().orElse(0);
        return (min == max ? Integer.toString(min) : min + "-" + max) + "/" + c.runs().get(0).users();
    }

    private static long sum(Column c, java.util.function.ToLongFunction<StageResult> f) {
        return c.runs().stream().mapToLong(f).sum();
    }

    private static List<String> warnings(List<List<StageResult>> repeats) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < repeats.size(); r++) {
            String run = repeats.size() > 1 ? "run " + (r + 1) + ", " : "";
            for (StageResult s : repeats.get(r)) {
                String who = run + s.stage();
                if (s.stoppedEarly()) {
                    out.add(who + ": the duration limit stopped sending early");
                }
                if (s.counts().extra() > 0) {
                    out.add(who + ": " + s.counts().extra() + " deliveries more than were sent and not refused "
                            + "(duplicates, or messages reported refused that arrived anyway)");
                }
                if (s.lost() > 0) {
                    out.add(who + ": " + s.lost() + " messages neither arrived within --settle nor were reported refused");
                }
                // Without a router every refusal is answered to the client that sent the message, so
                // the two counts must agree. (With one, a remote gateway's refusal is answered to nobody.)
                if ("none".equals(s.router()) && s.droppedByGateway() >= 0 && s.droppedByGateway() != s.droppedByAnswers()) {
                    out.add(who + ": the answers reported " + s.droppedByAnswers() + " drops but the gateway counted "
                            + s.droppedByGateway() + " (a push that reaches fewer users than are logged in, with no drop "
                            + "counted, means the broadcast walk missed users)");
                }
                if (s.note() != null) {
                    out.add(who + ": " + s.note());
                }
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

    private static void row(List<Row> rows, String label, List<Column> cols, Function<Column, String> cell) {
        rows.add(new Row(label, cols.stream().map(cell).toList()));
    }

    /**
     * A figure per column (median and range over its runs); with {@code ratioName}, a row per
     * column in {@code ratioTo} follows, labelled with what it divides by.
     */
    private static void figure(List<Row> rows, String label, List<Column> cols, ToDoubleFunction<StageResult> value,
                               String ratioName, List<Column> ratioTo) {
        List<Spread> spreads = cols.stream().map(c -> Spread.of(c.runs(), value)).toList();
        rows.add(new Row(label, spreads.stream().map(s -> s == null ? "n/a" : s.cell()).toList()));
        if (ratioName == null) {
            return;
        }
        for (Column base : ratioTo) {
            Spread b = spreads.get(cols.indexOf(base));
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < cols.size(); i++) {
                cells.add(cols.get(i) == base ? "-" : ratio(spreads.get(i), b));
            }
            rows.add(new Row(ratioName + " ratio to " + base.name(), cells));
        }
    }

    static String ratio(Spread a, Spread base) {
        if (a == null || base == null || base.median() <= 0) {
            return "n/a";
        }
        String r = String.format(Locale.ROOT, "%.2fx", a.median() / base.median());
        return a.resolvedFrom(base) ? r : NOT_RESOLVED + " (" + r + ")";
    }

    static String fmt(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.3f", v);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
