package lockfree.stress;

import lockfree.docs.Blocks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Stage 3's end-to-end targets for the broadcast run, checked against a repeated run's JSON:
 * {@code <!-- stress-targets: stress/broadcast-10000x10.json -->} ... {@code <!-- /stress-targets -->}.
 *
 * <p>The rule is the stress report's: a difference between two columns is called only where the
 * ranges of their repeats ({@link Report.Spread}) do not overlap, so a target is <b>met</b> only
 * when the worse end of the range meets it, <b>missed</b> only when the better end misses it, and
 * <b>n.r.</b> (not resolved) in between. One run per column resolves nothing.
 */
final class StressTargets {

    static final Pattern BLOCK = Pattern.compile(
            "(<!-- stress-targets: (\\S+) -->\n)(.*?)(<!-- /stress-targets -->)", Pattern.DOTALL);

    private static final String STAGE0 = "stage0-rwlock";
    private static final String STAGE3 = "stage3-lockfree";

    private StressTargets() {
    }

    static String render(String page, Path dir) throws IOException {
        return Blocks.render(page, BLOCK, m -> "\n" + table(DocTables.run(dir.resolve(m.group(2))).repeats(), m.group(2)) + "\n");
    }

    static String table(List<List<StageResult>> repeats, String file) {
        List<Report.Column> cols = Report.columns(repeats);
        StringBuilder md = new StringBuilder("| target | measured: median [" + Report.Spread.words(repeats.size())
                + "] | bound | verdict |\n|---|---|---|---|\n");
        Report.Column s0 = column(cols, STAGE0);
        Report.Column s3 = column(cols, STAGE3);
        Report.Column limit = cols.stream().filter(Report.Column::limit).findFirst().orElse(null);
        noWorse(md, "broadcast p50, stage 3 no worse than stage 0", s3, s0, s -> s.latency().p50());
        noWorse(md, "broadcast p99, stage 3 no worse than stage 0", s3, s0, s -> s.latency().p99());
        for (Report.Column c : cols) {
            if (isStage(c.name())) {
                withinOfLimit(md, "CPU per delivery of " + c.name() + " within 1.3x of the limit's", c, limit, 1.3,
                        StageResult::cpuMicrosPerDelivery);
            }
        }
        return md.append("\nFrom [").append(file).append("](").append(file).append("), ")
                .append(repeats.size()).append(" interleaved run(s) per column; rendered by `./stress.sh render`.\n")
                .toString();
    }

    /**
     * Whether a column is one of the four stages ({@code stageN-...}). Only they are held to the
     * 1.3x bound: the limit is the yardstick, and the peers (ws, vertx) are what a user would run
     * instead, measured beside the stages, not held to a bound of this project's.
     */
    static boolean isStage(String column) {
        return column.startsWith("stage");
    }

    private static Report.Column column(List<Report.Column> cols, String name) {
        return cols.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /* Lower is better. Missed when a's range is above b's (a resolved loss);
       met when a's median is not above b's (a resolved win, or no loss the repeats can show);
       otherwise a's median is worse but the ranges overlap: not resolved. */
    private static void noWorse(StringBuilder md, String target, Report.Column a, Report.Column b,
                                ToDoubleFunction<StageResult> f) {
        md.append("| ").append(target).append(" | ");
        Report.Spread x = a == null ? null : Report.Spread.of(a.runs(), f);
        Report.Spread y = b == null ? null : Report.Spread.of(b.runs(), f);
        if (x == null || y == null) {
            md.append("- | | not in this run |\n");
            return;
        }
        md.append(x.cell()).append(" vs ").append(y.cell()).append(" ms | stage 3 <= stage 0 | ");
        md.append(noWorse(x, y)).append(" |\n");
    }

    static String noWorse(Report.Spread x, Report.Spread y) {
        return x.runs() < 2 || y.runs() < 2 ? "n.r. (one run)"
                : x.low() > y.high() ? "missed" : x.median() <= y.median() ? "met" : "n.r.";
    }

    /* a's figure over the limit's at most bound: met when the high end of a's range over the low end
       of the limit's is within it, missed when a's low end over the limit's high end is not. */
    private static void withinOfLimit(StringBuilder md, String target, Report.Column a, Report.Column limit,
                                      double bound, ToDoubleFunction<StageResult> f) {
        md.append("| ").append(target).append(" | ");
        Report.Spread x = Report.Spread.of(a.runs(), f);
        Report.Spread l = limit == null ? null : Report.Spread.of(limit.runs(), f);
        String b = String.format(Locale.ROOT, "x%.1f", bound);
        if (x == null || l == null) {
            md.append("- | ").append(b).append(" | not in this run |\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "x%.2f [x%.2f-x%.2f] of %s us", x.median() / l.median(),
                x.low() / l.high(), x.high() / l.low(), Report.fmt(l.median()))).append(" | ").append(b).append(" | ")
          .append(within(x, l, bound)).append(" |\n");
    }

    static String within(Report.Spread x, Report.Spread limit, double bound) {
        if (x.runs() < 2 || limit.runs() < 2) {
            return "n.r. (one run)";
        }
        return x.high() / limit.low() <= bound ? "met" : x.low() / limit.high() > bound ? "missed" : "n.r.";
    }
}
