package lockfree.stress;

import lockfree.docs.Blocks;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/REDIS.md's capacity model, rendered from committed raw results so that its arithmetic has
 * one source: the measured inputs (one stage's medians from stress JSON, one Redis's publish rate
 * from {@code RedisPublishBench}'s raw output) and the linear extrapolations computed from them.
 * The marker names its inputs, relative to the page:
 * {@code <!-- redis-capacity: memory.json unicast.json broadcast.json publish.txt -->} ...
 * {@code <!-- /redis-capacity -->}.
 *
 * <p>Also {@code <!-- redis-publish: publish.txt -->} ... {@code <!-- /redis-publish -->}:
 * {@code RedisPublishBench}'s results, one row per section and mode, one column group per run.
 * The file is the bench's standard output, one run after another (each starts with its
 * {@code RedisPublishBench:} line), e.g. {@code for i in 1 2; do java ... RedisPublishBench; done > file}.
 */
final class RedisCapacity {
    static final Pattern CAPACITY = Pattern.compile(
            "(<!-- redis-capacity: (\\S+) (\\S+) (\\S+) (\\S+) -->\n)(.*?)(<!-- /redis-capacity -->)", Pattern.DOTALL);
    static final Pattern PUBLISH = Pattern.compile(
            "(<!-- redis-publish: (\\S+) -->\n)(.*?)(<!-- /redis-publish -->)", Pattern.DOTALL);
    /** The stage the model is for: the lock-free gateway. */
    static final String STAGE = "stage3-lockfree";
    /** The model's assumed load (not measured): one unicast per user per minute, broadcasts per second. */
    static final double UNICAST_PERIOD_SECONDS = 60;
    static final double BROADCASTS_PER_SECOND = 10;
    /** A shard is planned at half its measured rate, for headroom. */
    static final double SHARD_HEADROOM = 0.5;
    private static final Pattern ROW = Pattern.compile("^(sync|router maxBatch=\\d+)\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)$");

    private RedisCapacity() {
    }

    /** One mode's line of {@code RedisPublishBench}'s output, in its section, in its run. */
    record Publish(int run, String section, String mode, double msgsPerSecond, double p50Micros, double p99Micros, double batch) {
    }

    static List<Publish> publishes(Path txt) throws IOException {
        List<Publish> out = new ArrayList<>();
        int run = 0;
        String section = null;
        for (String line : Files.readAllLines(txt)) {
            String t = line.strip();
            // Each run of the bench prints one header line; a file may hold several runs in a row.
            if (t.startsWith("RedisPublishBench:")) {
                run++;
                section = null;
            } else if (t.startsWith("throughput") || t.startsWith("latency at")) {
                section = t;
            } else {
                Matcher m = ROW.matcher(t);
                if (m.matches() && section != null && run > 0) {
                    out.add(new Publish(run, section, m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                            Double.parseDouble(m.group(4)), Double.parseDouble(m.group(6))));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException(txt + " has no RedisPublishBench result lines");
        }
        return out;
    }

    /** The lowest flat-out rate of the shipped router (maxBatch=256) over the runs: one Redis's budget. */
    static double shardBudget(List<Publish> publishes) throws IOException {
        return publishes.stream().filter(p -> p.section().startsWith("throughput") && p.mode().equals("router maxBatch=256"))
                .mapToDouble(Publish::msgsPerSecond).min()
                .orElseThrow(() -> new IOException("no flat-out router maxBatch=256 line"));
    }

    static String render(String page, Path dir) throws IOException {
        String models = Blocks.render(page, CAPACITY, m -> "\n" + model(DocTables.run(dir.resolve(m.group(2))),
                DocTables.run(dir.resolve(m.group(3))), DocTables.run(dir.resolve(m.group(4))), publishes(dir.resolve(m.group(5))),
                m.group(2), m.group(3), m.group(4), m.group(5)) + "\n");
        return Blocks.render(models, PUBLISH, m -> "\n" + publishTable(publishes(dir.resolve(m.group(2))), m.group(2)) + "\n");
    }

    static String publishTable(List<Publish> publishes, String source) {
        int runs = publishes.stream().mapToInt(Publish::run).max().orElse(0);
        StringBuilder sb = new StringBuilder("| section | mode |");
        for (int r = 1; r <= runs; r++) {
            sb.append(" run ").append(r).append(": msgs/s, p50 / p99 (us), mean batch |");
        }
        sb.append('\n').append("|---|---").append("|---:".repeat(runs)).append("|\n");
        List<String> keys = new ArrayList<>();
        for (Publish p : publishes) {
            String key = p.section() + "\u0000" + p.mode();
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        for (String key : keys) {
            String[] k = key.split("\u0000");
            sb.append("| ").append(k[0]).append(" | ").append(k[1]).append(" |");
            for (int r = 1; r <= runs; r++) {
                int run = r;
                String cell = publishes.stream().filter(p -> p.run() == run && p.section().equals(k[0]) && p.mode().equals(k[1]))
                        .findFirst().map(p -> String.format(Locale.ROOT, "%.0f, %.1f / %.1f, %.1f", p.msgsPerSecond(), p.p50Micros(),
                                p.p99Micros(), p.batch())).orElse("-");
                sb.append(' ').append(cell).append(" |");
            }
            sb.append('\n');
        }
        sb.append('\n').append("Rendered from [").append(source).append("](").append(source).append(").\n");
        return sb.toString();
    }

    private static double median(DocTables.Run run, ToDoubleFunction<StageResult> f) throws IOException {
        for (Report.Column c : Report.columns(run.repeats())) {
            if (c.name().equals(STAGE)) {
                Report.Spread s = Report.Spread.of(c.runs(), f);
                if (s == null) {
                    throw new IOException(run.file() + ": " + STAGE + " did not measure a model input");
                }
                return s.median();
            }
        }
        throw new IOException(run.file() + " has no " + STAGE);
    }

    static String model(DocTables.Run memory, DocTables.Run unicast, DocTables.Run broadcast, List<Publish> publish,
                        String memoryFile, String unicastFile, String broadcastFile, String publishFile) throws IOException {
        double rss = median(memory, StageResult::rssPerConnection);
        double heap = median(memory, StageResult::heapPerConnection);
        double redis = median(memory, StageResult::redisPerConnection);
        double budget = shardBudget(publish);
        double cpuUnicast = median(unicast, StageResult::cpuMicrosPerDelivery);
        double cpuBroadcast = median(broadcast, StageResult::cpuMicrosPerDelivery);
        JsonNode s = memory.doc().path("settings");
        long users = s.path("users").asLong();
        int jvms = s.path("gatewayJvmsPerStage").asInt(1);
        double perJvm = (double) users / jvms;

        StringBuilder sb = new StringBuilder();
        sb.append("Measured inputs (").append(STAGE).append(", the median over each run's repeats):\n\n");
        sb.append("| | measured | source |\n|---|---:|---|\n");
        sb.append("| M1 | gateway RSS per connection: ").append(group(rss)).append(" B (heap ").append(group(heap)).append(" B) | [")
                .append(memoryFile).append("](").append(memoryFile).append("), `rssPerConnection`, `heapPerConnection` |\n");
        sb.append("| M2 | Redis memory per logged-in user (its channel subscription): ").append(group(redis)).append(" B | same file, `redisPerConnection` |\n");
        sb.append("| M3 | publishes one Redis takes from the batching router, flat out, lowest of the runs: ").append(group(budget))
                .append(" /s | [").append(publishFile).append("](").append(publishFile).append("), `router maxBatch=256` |\n");
        sb.append("| M4 | gateway CPU per delivered unicast: ").append(Report.fmt(cpuUnicast)).append(" us | [").append(unicastFile)
                .append("](").append(unicastFile).append("), `cpuMicrosPerDelivery` |\n");
        sb.append("| M5 | gateway CPU per delivered broadcast copy: ").append(Report.fmt(cpuBroadcast)).append(" us | [").append(broadcastFile)
                .append("](").append(broadcastFile).append("), `cpuMicrosPerDelivery` |\n");
        sb.append("| M6 | connections per gateway JVM in the scale-out: ").append(users).append(" / ").append(jvms).append(" = ")
                .append(group(perJvm)).append(" | ").append(memoryFile).append(", `users`, `gatewayJvmsPerStage` |\n\n");

        sb.append("Extrapolated (E), linear in N, for an assumed load of one unicast per user every ")
                .append(group(UNICAST_PERIOD_SECONDS)).append(" s and ").append(group(BROADCASTS_PER_SECOND))
                .append(" broadcasts a second; a shard is planned at ").append(group(SHARD_HEADROOM * 100)).append("% of M3:\n\n");
        sb.append("| | 1M connections | 10M connections |\n|---|---:|---:|\n");
        double[] ns = {1e6, 1e7};
        row(sb, "E1 gateway memory, M1 x N (GB)", ns, n -> n * rss / 1e9);
        count(sb, "E2 gateway JVMs, N / M6, rounded up", ns, n -> Math.ceil(n / perJvm));
        row(sb, "E3 Redis memory for subscriptions, M2 x N (GB)", ns, n -> n * redis / 1e9);
        row(sb, "E4 unicast rate, N / period (/s)", ns, n -> n / UNICAST_PERIOD_SECONDS);
        row(sb, "E5 E4 as a share of one Redis, E4 / M3", ns, n -> n / UNICAST_PERIOD_SECONDS / budget);
        count(sb, "E5' shards for E4 with headroom", ns, n -> Math.max(1, Math.ceil(n / UNICAST_PERIOD_SECONDS / (budget * SHARD_HEADROOM))));
        row(sb, "E6 gateway CPU for E4, E4 x M4 (cores)", ns, n -> n / UNICAST_PERIOD_SECONDS * cpuUnicast / 1e6);
        count(sb, "E7 broadcast copies Redis writes, all on `gateway:all`'s shard, rate x E2 (/s)", ns,
                n -> BROADCASTS_PER_SECOND * Math.ceil(n / perJvm));
        row(sb, "E8 gateway CPU for broadcasts, rate x N x M5 (cores)", ns, n -> BROADCASTS_PER_SECOND * n * cpuBroadcast / 1e6);
        row(sb, "E9 re-subscribing after a full reconnect, 2N / M3 on one shard (s)", ns, n -> 2 * n / budget);
        sb.append('\n').append("E9 assumes a subscribe and a claim each cost what a publish does; more shards divide it.\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, double[] ns, java.util.function.DoubleUnaryOperator f) {
        row(sb, label, ns, f, RedisCapacity::figure);
    }

    /** A whole number of something (JVMs, shards, copies a second). */
    private static void count(StringBuilder sb, String label, double[] ns, java.util.function.DoubleUnaryOperator f) {
        row(sb, label, ns, f, RedisCapacity::group);
    }

    private static void row(StringBuilder sb, String label, double[] ns, java.util.function.DoubleUnaryOperator f,
                            java.util.function.DoubleFunction<String> format) {
        sb.append("| ").append(label).append(" |");
        for (double n : ns) {
            sb.append(' ').append(format.apply(f.applyAsDouble(n))).append(" |");
        }
        sb.append('\n');
    }

    /** Three significant figures at most, thousands grouped. */
    static String figure(double v) {
        if (v >= 100) {
            return group(v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
    }

    private static String group(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
