package lockfree.stress;

import lockfree.docs.Blocks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chapter's conclusion from a stress run, in sentences rendered from the run's raw JSON by the
 * same rule as its table (a difference called only where the ranges of at least two repeats each
 * do not overlap):
 * <pre>
 * &lt;!-- stress-conclusion: stress/unicast-10000x10.json | p50 stage3-lockfree vs stage0-rwlock | cpu ... --&gt;
 * &lt;!-- /stress-conclusion --&gt;
 * </pre>
 * Each comparison names a figure ({@link #FIGURES}: p50, p99, cpu, heap, rss) and two targets of
 * the run. A target the run does not have, or a figure it could not measure, is an error.
 */
final class DocTablesConclusions {
    static final Pattern BLOCK = Pattern.compile(
            "(<!-- stress-conclusion: (\\S+) ((?:\\|[^>|]+)+)-->\n)(.*?)(<!-- /stress-conclusion -->)", Pattern.DOTALL);

    /** A figure a sentence can compare: what it is called, its unit, and how to read it from one repeat. */
    record Figure(String words, String unit, boolean lowerIsBetter, ToDoubleFunction<StageResult> value) {
    }

    static final java.util.Map<String, Figure> FIGURES = java.util.Map.of(
            "p50", new Figure("median latency (p50)", "ms", true, s -> s.latency() == null ? -1 : s.latency().p50()),
            "p99", new Figure("p99 latency", "ms", true, s -> s.latency() == null ? -1 : s.latency().p99()),
            "cpu", new Figure("gateway CPU per delivery", "us", true, StageResult::cpuMicrosPerDelivery),
            "heap", new Figure("live heap per connection", "kB", true, s -> s.heapPerConnection() < 0 ? -1 : s.heapPerConnection() / 1000.0),
            "rss", new Figure("resident memory per connection", "kB", true, s -> s.rssPerConnection() < 0 ? -1 : s.rssPerConnection() / 1000.0));

    private DocTablesConclusions() {
    }

    static String render(String page, Path dir) throws IOException {
        return Blocks.render(page, BLOCK, m -> {
            DocTables.Run run = DocTables.run(dir.resolve(m.group(2)));
            StringBuilder block = new StringBuilder();
            for (String comparison : m.group(3).substring(1).split("\\|")) {
                block.append("- ").append(sentence(run, comparison.trim())).append('\n');
            }
            return "\n" + block + "\n";
        });
    }

    /** "p50 A vs B": the figure over A's repeats and over B's, their ratio of medians, and the verdict. */
    static String sentence(DocTables.Run run, String comparison) throws IOException {
        Matcher c = Pattern.compile("^(\\w+) (\\S+) vs (\\S+)$").matcher(comparison);
        if (!c.matches() || !FIGURES.containsKey(c.group(1))) {
            throw new IOException("a comparison is \"<" + String.join("|", new java.util.TreeSet<>(FIGURES.keySet()))
                    + "> <target> vs <target>\": " + comparison);
        }
        Figure f = FIGURES.get(c.group(1));
        Report.Spread a = spread(run, c.group(2), f);
        Report.Spread b = spread(run, c.group(3), f);
        StringBuilder s = new StringBuilder(what(run)).append(", ").append(f.words()).append(", median [")
                .append(Report.Spread.words(Math.min(a.runs(), b.runs()))).append("] of ")
                .append(a.runs() == b.runs() ? a.runs() + (a.runs() == 1 ? " run" : " interleaved runs") : "the runs")
                .append(": ").append(c.group(2)).append(' ').append(cell(a, f)).append(", ").append(c.group(3)).append(' ')
                .append(cell(b, f)).append(' ').append(f.unit()).append(". ");
        String ratio = String.format(Locale.ROOT, "%.2fx", a.median() / b.median());
        s.append("Ratio of the medians, ").append(c.group(2)).append(" over ").append(c.group(3)).append(": ").append(ratio);
        if (a.resolvedFrom(b)) {
            return s.append("; resolved: the ranges of the runs are apart, ").append(c.group(2))
                    .append(a.median() < b.median() == f.lowerIsBetter() ? " the better" : " the worse").append('.').toString();
        }
        String why = a.runs() < 2 || b.runs() < 2 ? "one run has no range to compare" : "the ranges of the runs overlap";
        s.append("; not resolved: ").append(why).append(", so this run ranks neither; more interleaved repeats "
                + "(REPEAT=9 or more) on a quiet machine would narrow the ranges");
        // Only two stages differ in nothing but their session table and send queue; the limit and
        // the peers differ in everything else too, so contention is not what would separate them.
        return s.append(StressTargets.isStage(c.group(2)) && StressTargets.isStage(c.group(3))
                ? ", and a load that makes the session table contended (more cores, a higher rate) would give the "
                + "stages' differences room to show." : ".").toString();
    }

    /** As the tables print it; a size per connection in kB with one decimal, as the summary does. */
    private static String cell(Report.Spread s, Figure f) {
        if (!f.unit().equals("kB")) {
            return s.cell();
        }
        String median = String.format(Locale.ROOT, "%.1f", s.median());
        return s.runs() == 1 ? median
                : median + " [" + String.format(Locale.ROOT, "%.1f", s.low()) + "-" + String.format(Locale.ROOT, "%.1f", s.high()) + "]";
    }

    private static Report.Spread spread(DocTables.Run run, String target, Figure f) throws IOException {
        List<StageResult> runs = new ArrayList<>();
        for (Report.Column col : Report.columns(run.repeats())) {
            if (col.name().equals(target)) {
                runs.addAll(col.runs());
            }
        }
        if (runs.isEmpty()) {
            throw new IOException(run.file() + " has no target " + target);
        }
        Report.Spread s = Report.Spread.of(runs, f.value());
        if (s == null) {
            throw new IOException(run.file() + ": " + target + " did not measure " + f.words() + " in every run");
        }
        return s;
    }

    /** The run in words: "Unicast, 10,000 users x 10 at 2000 msg/s" or "Idle, 18,000 users". */
    private static String what(DocTables.Run run) {
        com.fasterxml.jackson.databind.JsonNode s = run.doc().path("settings");
        String scenario = run.scenario();
        String head = Character.toUpperCase(scenario.charAt(0)) + scenario.substring(1) + ", "
                + String.format(Locale.ROOT, "%,d users", s.path("users").asLong());
        if (scenario.equals("idle")) {
            int jvms = s.path("gatewayJvmsPerStage").asInt(1);
            return head + (jvms > 1 ? " on " + jvms + " gateway JVMs" : "");
        }
        String rate = s.path("closedLoop").asBoolean() ? "closed loop"
                : java.math.BigDecimal.valueOf(s.path("rate").asDouble()).stripTrailingZeros().toPlainString()
                + (scenario.equals("broadcast") ? " pushes/s" : " msg/s");
        return head + " x " + s.path("msgs").asLong() + " at " + rate;
    }
}
