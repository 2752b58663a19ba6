package lockfree.bench;

import lockfree.bench.JmhResults.Row;

import java.util.Locale;

import static lockfree.bench.Columns.LIMIT;

/** Stage 3's targets, each checked against the compare run: met, missed or not resolved. */
final class Targets {
    private final JmhResults results;

    Targets(JmhResults results) {
        this.results = results;
    }

    /*
     * Each target bounds the ratio of two times per operation. The ratio's range runs from the best
     * to the worst case the two 99.9% intervals allow; a target is met when even the worst case
     * meets it, missed when even the best case misses it, and not resolved otherwise: the rule every
     * other ratio here follows, applied to a bound instead of to another result.
     */
    void append(StringBuilder md) {
        md.append("### Stage 3's targets, checked against this run\n\n")
          .append("Each target bounds a ratio of two times per operation from this run. The range runs from the ")
          .append("best to the worst case the two 99.9% intervals allow: **met** when even the worst case is within ")
          .append("the bound, **missed** when even the best case is not, **n.r.** otherwise. A throughput target is ")
          .append("the same bound on time (10x the throughput = x0.10 the time per operation, at equal threads).\n\n")
          .append("| target | ratio of times | measured (range) | bound | verdict |\n|---|---|---:|---:|---|\n");
        target(md, "a re-login no slower than stage 1's, 1 thread", "stage 3 / stage 1, 0% reads, 1 thr",
                results.table("stage3", "0", 1), results.table("stage1", "0", 1), 1.0);
        for (String other : new String[] {"stage0", "stage1", "stage2"}) {
            target(md, "a re-login the fastest of the four, 2 threads", "stage 3 / " + other.replace("stage", "stage ")
                    + ", 0% reads, 2 thr", results.table("stage3", "0", 2), results.table(other, "0", 2), 1.0);
        }
        target(md, "95/5 mix, 2 threads: 10x stage 0's throughput (plan: 10-20x)", "stage 3 / stage 0, 95% reads, 2 thr",
                results.table("stage3", "95", 2), results.table("stage0", "95", 2), 0.1);
        target(md, "a read within 1.5x of the limit, 1 thread", "stage 3 / limit, 100% reads, 1 thr",
                results.table("stage3", "100", 1), results.table(LIMIT, "100", 1), 1.5);
        md.append('\n');
    }

    /** The target "r's time over base's time is at most bound", as one table row. */
    private static void target(StringBuilder md, String target, String ratio, Row r, Row base, double bound) {
        md.append("| ").append(target).append(" | ").append(ratio).append(" | ");
        String b = String.format(Locale.ROOT, "×%.2f", bound);
        if (r == null || base == null) {
            md.append("- | ").append(b).append(" | not in this run |\n");
            return;
        }
        String value = String.format(Locale.ROOT, "×%.2f", r.score() / base.score());
        if (!r.resolved() || !base.resolved()) {
            md.append(value).append(" | ").append(b).append(" | n.r. |\n");
            return;
        }
        double best = (r.score() - r.error()) / (base.score() + base.error());
        double worst = (r.score() + r.error()) / (base.score() - base.error());
        String verdict = worst <= bound ? "met" : best > bound ? "missed" : "n.r.";
        md.append(value).append(String.format(Locale.ROOT, " (×%.2f-×%.2f)", best, worst)).append(" | ").append(b)
          .append(" | ").append(verdict).append(" |\n");
    }
}
