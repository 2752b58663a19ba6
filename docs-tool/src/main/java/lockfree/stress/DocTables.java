package lockfree.stress;

import lockfree.docs.Blocks;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Renders the stress tables of a Markdown page from the runs' raw JSON ({@code --json}), so a
 * number in the docs has one source. Two kinds of block, each between markers, with paths
 * relative to the page, as a link would be:
 * <ul>
 *   <li>{@code <!-- stress-table: stress/run.json -->} ... {@code <!-- /stress-table -->}: one
 *       run's whole table ({@link Report#markdown});</li>
 *   <li>{@code <!-- stress-summary: a.json b.json ... -->} ... {@code <!-- /stress-summary -->}:
 *       one row per target over several runs, the few figures a front page quotes
 *       ({@link #summary}).</li>
 * </ul>
 * the conclusion sentences of a page ({@link DocTablesConclusions}), and docs/REDIS.md's capacity
 * model and publish results ({@link RedisCapacity}).
 * {@code ./stress.sh render} rewrites the blocks of docs/STRESS.md, docs/REDIS.md and README.md; the stress
 * module's tests fail when a committed block no longer matches its JSON.
 */
public final class DocTables {
    static final Pattern TABLE = Pattern.compile(
            "(<!-- stress-table: (\\S+) -->\n)(.*?)(<!-- /stress-table -->)", Pattern.DOTALL);
    static final Pattern SUMMARY = Pattern.compile(
            "(<!-- stress-summary: ([^>]+?) -->\n)(.*?)(<!-- /stress-summary -->)", Pattern.DOTALL);

    private DocTables() {
    }

    /** One {@code --json} file: its settings and every repeat's stages, as the run reported them. */
    record Run(Path file, JsonNode doc, List<List<StageResult>> repeats) {
        String scenario() {
            return doc.path("settings").path("scenario").asText();
        }
    }

    static Run run(Path json) throws IOException {
        JsonNode doc = LoadClient.JSON.readTree(json.toFile());
        List<List<StageResult>> repeats = new ArrayList<>();
        // A run before --repeat existed has one "stages" list: one repeat.
        JsonNode runs = doc.has("repeats") ? doc.get("repeats") : LoadClient.JSON.createArrayNode().add(doc);
        for (JsonNode run : runs) {
            List<StageResult> stages = new ArrayList<>();
            for (JsonNode stage : run.path("stages")) {
                stages.add(LoadClient.JSON.treeToValue(stage, StageResult.class));
            }
            if (stages.isEmpty()) {
                throw new IOException(json + " has a repeat without stages");
            }
            repeats.add(stages);
        }
        if (repeats.isEmpty()) {
            throw new IOException(json + " has no stages");
        }
        return new Run(json, doc, repeats);
    }

    /** Every repeat's stages of one {@code --json} file. */
    static List<List<StageResult>> read(Path json) throws IOException {
        return run(json).repeats();
    }

    /** The page with every marked block rendered from its JSON (relative to {@code dir}). */
    static String render(String page, Path dir) throws IOException {
        String tables = Blocks.render(page, TABLE, m -> {
            Run run = run(dir.resolve(m.group(2)));
            // Blank lines around the table: Markdown ends a table only at a blank line.
            return "\n" + caption(run) + "\n\n" + Report.markdown(run.repeats()) + "\n";
        });
        String summaries = Blocks.render(tables, SUMMARY, m -> {
            List<Run> runs = new ArrayList<>();
            for (String file : m.group(2).trim().split("\\s+")) {
                runs.add(run(dir.resolve(file)));
            }
            return "\n" + summary(runs) + "\n";
        });
        // <!-- stress-profile: dir -->, <!-- stress-targets: file --> and <!-- stress-conclusion: file | ... --> blocks
        return DocTablesConclusions.render(StressTargets.render(ProfileTable.render(summaries, dir), dir), dir);
    }

    /** Where a table's numbers come from: when, on what, with which arguments. */
    static String caption(Run r) {
        JsonNode machine = r.doc().path("machine");
        String utc = java.time.OffsetDateTime.parse(r.doc().path("date").asText())
                .atZoneSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime()
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString().replace('T', ' ');
        return "Finished " + utc + " UTC, " + machine(machine) + ", "
                + machine.path("os").asText() + "; arguments: `" + r.doc().path("command").asText() + "`";
    }

    /** A raw result's machine entry as the captions give it: the JDK and the cores. */
    static String machine(JsonNode machine) {
        return machine.path("jdk").asText() + ", " + machine.path("cores").asInt() + " cores";
    }

    /**
     * One row per target (in order of first appearance), one column group per run: for unicast
     * and broadcast the median p50 / p99 latency and CPU per delivery, for idle the live heap and
     * RSS (and Redis) per connection; then what was lost of what was sent over all the runs. Under
     * it, where the figures come from.
     */
    static String summary(List<Run> runs) {
        Map<String, Map<Integer, List<StageResult>>> byTarget = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            for (Report.Column c : Report.columns(runs.get(i).repeats())) {
                byTarget.computeIfAbsent(c.name(), k -> new LinkedHashMap<>()).put(i, c.runs());
            }
        }
        StringBuilder sb = new StringBuilder("|  |");
        for (Run r : runs) {
            sb.append(' ').append(header(r)).append(" |");
        }
        sb.append(" lost / sent, these runs |\n");
        sb.append("|---").append("|---:".repeat(runs.size() + 1)).append("|\n");
        byTarget.forEach((name, cells) -> {
            sb.append("| ").append(name).append(" |");
            long lost = 0;
            long sent = 0;
            for (int i = 0; i < runs.size(); i++) {
                List<StageResult> col = cells.get(i);
                sb.append(' ').append(col == null ? "-" : cell(runs.get(i), col)).append(" |");
                if (col != null) {
                    lost += col.stream().mapToLong(StageResult::lost).sum();
                    sent += col.stream().mapToLong(s -> s.counts().sent()).sum();
                }
            }
            sb.append(' ').append(lost).append(" / ").append(sent).append(" |\n");
        });
        sb.append('\n').append("Each cell: the median over the run's repeats (ranges, ratios and every other figure: "
                + "the run's own table in docs/STRESS.md). From ");
        List<String> sources = new ArrayList<>();
        java.util.Set<String> machines = new java.util.LinkedHashSet<>();
        for (Run r : runs) {
            machines.add(machine(r.doc().path("machine")));
            sources.add("`" + r.file().getFileName() + "` (" + r.doc().path("date").asText().substring(0, 10) + ", "
                    + r.repeats().size() + (r.repeats().size() == 1 ? " run)" : " runs)"));
        }
        sb.append(String.join(", ", sources)).append("; ").append(String.join("; ", machines)).append(".\n");
        return sb.toString();
    }

    private static String header(Run r) {
        JsonNode s = r.doc().path("settings");
        String who = s.path("users").asLong() + " users";
        if (r.scenario().equals("idle")) {
            int jvms = s.path("gatewayJvmsPerStage").asInt(1);
            boolean redis = "redis".equals(s.path("router").asText());
            return "idle, " + who + (jvms > 1 ? " on " + jvms + " gateway JVMs" : "") + (redis ? " + Redis" : "")
                    + ": heap / RSS" + (redis ? " / Redis" : "") + " per connection (kB)";
        }
        String rate = s.path("closedLoop").asBoolean() ? "closed loop"
                : java.math.BigDecimal.valueOf(s.path("rate").asDouble()).stripTrailingZeros().toPlainString() + (r.scenario().equals("broadcast") ? " pushes/s" : " msg/s");
        return r.scenario() + ", " + who + " x " + s.path("msgs").asLong() + " at " + rate
                + ": p50 / p99 (ms), CPU per delivery (us)";
    }

    private static String cell(Run r, List<StageResult> runs) {
        if (r.scenario().equals("idle")) {
            StringBuilder kb = new StringBuilder(kilo(runs, StageResult::heapPerConnection)).append(" / ")
                    .append(kilo(runs, StageResult::rssPerConnection));
            if ("redis".equals(r.doc().path("settings").path("router").asText())) {
                kb.append(" / ").append(kilo(runs, StageResult::redisPerConnection));
            }
            return kb.toString();
        }
        return median(runs, s -> s.latency().p50()) + " / " + median(runs, s -> s.latency().p99()) + ", "
                + median(runs, StageResult::cpuMicrosPerDelivery);
    }

    private static String median(List<StageResult> runs, ToDoubleFunction<StageResult> f) {
        Report.Spread s = Report.Spread.of(runs, f);
        return s == null ? "n/a" : Report.fmt(s.median());
    }

    private static String kilo(List<StageResult> runs, ToDoubleFunction<StageResult> bytes) {
        Report.Spread s = Report.Spread.of(runs, bytes);
        // Two decimals below 1 kB (Redis's few hundred bytes per channel), one above.
        return s == null ? "n/a" : String.format(Locale.ROOT, s.median() < 1000 ? "%.2f" : "%.1f", s.median() / 1000);
    }

    /** {@code DocTables page.md...}: rewrites each page's blocks in place. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: DocTables <page.md>...");
            System.exit(2);
        }
        for (String arg : args) {
            Path page = Path.of(arg);
            String before = Files.readString(page);
            Path dir = page.toAbsolutePath().getParent();
            String after = RedisCapacity.render(render(before, dir), dir);
            Files.writeString(page, after);
            System.out.println((before.equals(after) ? "unchanged " : "rendered ") + page);
        }
    }
}
