package lockfree.bench;

import lockfree.bench.JmhResults.Row;

import java.util.Locale;

/**
 * When is a difference a difference, and how a result and a ratio are written. A result whose
 * 99.9% interval is wider than its score is shown as "n.r." (not resolved) with its numbers in
 * brackets, and no ratio is computed from it. A ratio between two results is marked "n.r." unless
 * both their 99.9% intervals and the ranges of their fork means are apart (JMH's interval pools the
 * iterations of all forks as if they were independent; the fork means are the repeats that are).
 * Every table, target and conclusion sentence takes this one rule.
 */
final class Resolution {
    private Resolution() {
    }

    /** Both resolved, and neither their 99.9% intervals nor the ranges of their fork means overlap. */
    static boolean apart(Row a, Row b) {
        if (!a.resolved() || !b.resolved()) {
            return false;
        }
        boolean intervalsApart = a.score() + a.error() < b.score() - b.error()
                || b.score() + b.error() < a.score() - a.error();
        boolean forksApart = a.forkMax() < b.forkMin() || b.forkMax() < a.forkMin();
        return intervalsApart && forksApart;
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String cell(Row r) {
        if (r == null) {
            return "-";
        }
        String v = num(r.score()) + " ± " + num(r.error());
        return r.resolved() ? v : "n.r. (" + v + ")";
    }

    /** r's time over base's (both times per operation): below 1 is faster than base. */
    static String timeRatio(Row r, Row base) {
        return ratio(r, base, r == null || base == null ? 0 : r.score() / base.score(), "×%.2f");
    }

    /** r's throughput over base's: above 1 is faster than base. */
    static String speedup(Row r, Row base) {
        return ratio(r, base, r == null || base == null ? 0 : r.score() / base.score(), "%.2fx");
    }

    /** A time ratio from two throughputs: base's throughput over r's = r's time per message over base's. */
    static String timeRatioOfRates(Row r, Row base) {
        return ratio(r, base, r == null || base == null ? 0 : base.score() / r.score(), "×%.2f");
    }

    private static String ratio(Row r, Row base, double value, String format) {
        if (r == null || base == null) {
            return "-";
        }
        if (!r.resolved() || !base.resolved()) {
            return "n.r.";
        }
        String v = String.format(Locale.ROOT, format, value);
        return apart(r, base) ? v : v + " n.r.";
    }
}
