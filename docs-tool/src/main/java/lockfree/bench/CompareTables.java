package lockfree.bench;

import lockfree.bench.JmhResults.Row;


import static lockfree.bench.Resolution.cell;
import static lockfree.bench.Resolution.speedup;
import static lockfree.bench.Resolution.timeRatio;
import static lockfree.bench.Resolution.timeRatioOfRates;
import static lockfree.bench.Columns.LIMIT;
import static lockfree.bench.Columns.QUEUES;

/**
 * The tables of docs/BENCHMARKS.md's compare block, from one cross-stage JMH run: the plan's
 * predictions beside the measurement, stage 3's targets ({@link Targets}), the session table, stage
 * 3's two changes one at a time, the send queue and the metrics counters. Each stage's ratio to
 * stage 0 and to the limit follows {@link Resolution}'s rule.
 *
 * <p>A JSON from before the limit and {@code stage3-boxed} existed renders with those columns
 * empty ("-"), so an old result still renders as it did.
 */
final class CompareTables {
    /** The four stages, in tutorial order: the plan's predictions are about these. */
    static final String[] STAGES = {"stage0", "stage1", "stage2", "stage3"};
    /** Columns of the session-table tables: the stages, the boxed split, the limit. */
    static final String[] TABLES = {"stage0", "stage1", "stage2", "stage3", "stage3-boxed", LIMIT};

    private final JmhResults results;

    CompareTables(JmhResults results) {
        this.results = results;
    }

    String tables() {
        StringBuilder md = new StringBuilder();
        md.append("Each result: score ± JMH's 99.9% interval. **n.r.** (not resolved): a result whose interval is ")
          .append("wider than its score (its numbers follow in brackets, and no ratio is taken from it), or a ratio ")
          .append("between two results whose 99.9% intervals or ranges of fork means overlap: such a ratio ranks ")
          .append("nothing. The limit (no synchronisation, primitive keys) is correct at one thread only, so it is ")
          .append("measured at 1 thread only; \"-\": not in this run.\n\n");
        predictions(md);
        new Targets(results).append(md);
        sessionTable(md);
        boxingSplit(md);
        sendQueue(md);
        counters(md);
        return md.toString();
    }

    private void predictions(StringBuilder md) {
        md.append("### The plan's predictions beside the measurement\n\n")
          .append("Ratios to stage 0 from the same run. Time ratios: ×0.30 means 70% less time than stage 0. ")
          .append("Speed-ups: throughput over stage 0's at the same thread count (= stage 0's time per op / ")
          .append("the stage's, since each thread runs operations back to back). Last column: the limit's ")
          .append("time over stage 0's, where the limit ran.\n\n")
          .append("| prediction | workload | | stage 1 | stage 2 | stage 3 | limit |\n|---|---|---|---:|---:|---:|---:|\n");
        int maxT = results.threadCounts("AllStages_01_SessionTable").stream().mapToInt(i -> i).filter(t -> t <= 2).max().orElse(1);
        for (int t : results.threadCounts("AllStages_01_SessionTable")) {
            if (t > 2) {
                continue; // 4 threads on 2 cores: in the full tables, not used for the verdict
            }
            predictionRow(md, "read latency -70% / -60% / -90%", "100% reads, " + t + " thr", "100", t,
                    new String[] {"×0.30", "×0.40", "×0.10"}, true);
        }
        for (int t : results.threadCounts("AllStages_01_SessionTable")) {
            if (t > 2) {
                continue;
            }
            predictionRow(md, "write latency +10% / -50% / -85%", "re-logins only, " + t + " thr", "0", t,
                    new String[] {"×1.10", "×0.50", "×0.15"}, true);
        }
        for (String rp : new String[] {"95", "50"}) {
            predictionRow(md, "throughput 2-3x / 5-10x / 10-20x", rp + "/" + (100 - Integer.parseInt(rp)) + " mix, "
                    + maxT + " thr", rp, maxT, new String[] {"2-3x", "5-10x", "10-20x"}, false);
        }
        for (String g : new String[] {"oneProducer", "threeProducers"}) {
            Row base = results.queue("stage0", g);
            md.append("| ring buffer: push latency -30..50% | send queue, ").append(g.equals("oneProducer") ? 1 : 3)
              .append(" producer(s), time per message | plan / measured | | | ×0.50-0.70 / ")
              .append(timeRatioOfRates(results.queue("stage3", g), base)).append(" | ")
              .append(timeRatioOfRates(results.queue(LIMIT, g), base)).append(" |\n");
        }
        for (int t : results.threadCounts("Metrics_01_Counters")) {
            Row sync = results.counter("synchronizedCounter", t);
            md.append("| atomic metrics: overhead -90% | counter increment, ").append(t).append(" thr")
              .append(" | plan / AtomicLong, LongAdder | ×0.10 / ").append(timeRatio(results.counter("atomicLong", t), sync))
              .append(", ").append(timeRatio(results.counter("longAdder", t), sync)).append(" | | | |\n");
        }
        md.append('\n');
    }

    private void predictionRow(StringBuilder md, String prediction, String workload, String readPercent, int t,
                               String[] plan, boolean time) {
        Row base = results.table("stage0", readPercent, t);
        md.append("| ").append(prediction).append(" | ").append(workload).append(" | plan / measured |");
        for (int s = 1; s < STAGES.length; s++) {
            Row r = results.table(STAGES[s], readPercent, t);
            md.append(' ').append(plan[s - 1]).append(" / ").append(time ? timeRatio(r, base) : speedup(base, r)).append(" |");
        }
        md.append(' ').append(t == 1 ? timeRatio(results.table(LIMIT, readPercent, t), base) : "1 thread only").append(" |\n");
    }

    private static String header(String column) {
        return switch (column) {
            case "stage3-boxed" -> "stage 3 boxed";
            case LIMIT -> LIMIT;
            default -> "stage " + column.substring(5);
        };
    }

    private void sessionTable(StringBuilder md) {
        Row any = results.find(r -> r.clazz().equals("AllStages_01_SessionTable"));
        if (any == null) {
            return;
        }
        md.append("### Session table: time per operation (").append(any.unit()).append(", ± 99.9% interval)\n\n")
          .append(any.param("users")).append(" users bound; each operation a `getByUserId` or, for the rest of ")
          .append("the mix, a re-login (add + bind + remove the kicked session). In brackets: the time over ")
          .append("stage 0's, then over the limit's (1 thread only). Stage 3 boxed: a lock-free map with boxed ")
          .append("`Long` keys (JCTools `NonBlockingHashMap<Long, Session>`), which splits stage 3's two changes ")
          .append("(lock-free, primitive keys); limit: Agrona's `Long2ObjectHashMap`, no synchronisation, not ")
          .append("thread-safe.\n\n")
          .append("| reads | threads |");
        for (String s : TABLES) {
            md.append(' ').append(header(s)).append(" |");
        }
        md.append("\n|---:|---:|").append("---:|".repeat(TABLES.length)).append('\n');
        for (String rp : results.readPercents()) {
            for (int t : results.threadCounts("AllStages_01_SessionTable")) {
                Row base = results.table("stage0", rp, t);
                Row limit = t == 1 ? results.table(LIMIT, rp, t) : null;
                md.append("| ").append(rp).append("% | ").append(t).append(t > 2 ? " (oversubscribed)" : "").append(" |");
                for (String s : TABLES) {
                    Row r = results.table(s, rp, t);
                    if (s.equals(LIMIT) && t > 1) {
                        md.append(" 1 thread only |");
                        continue;
                    }
                    md.append(' ').append(timeCell(r, s.equals("stage0") ? null : base, s.equals(LIMIT) ? null : limit))
                      .append(" |");
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    /** A time per operation with, in brackets, its ratio to stage 0 and to the limit (each where given). */
    private static String timeCell(Row r, Row base, Row limit) {
        String cell = cell(r);
        if (r == null || !r.resolved()) {
            return cell;
        }
        String toBase = base == null ? "" : timeRatio(r, base);
        String toLimit = limit == null ? "" : "lim " + timeRatio(r, limit);
        if (toBase.isEmpty() && toLimit.isEmpty()) {
            return cell;
        }
        return cell + " (" + toBase + (!toBase.isEmpty() && !toLimit.isEmpty() ? "; " : "") + toLimit + ")";
    }

    /** Stage 3's two changes measured one at a time, on the read path where the key type matters most. */
    private void boxingSplit(StringBuilder md) {
        if (results.find(r -> r.clazz().equals("AllStages_01_SessionTable")) == null) {
            return;
        }
        md.append("### Stage 3's two changes, one at a time (100% reads, ns/op)\n\n")
          .append("Stage 3 moves from a locked map to a lock-free one and from boxed `Long` keys to `long` keys at ")
          .append("once. Stage 3 boxed makes only the first move: stage 1 → stage 3 boxed is the map (both boxed), ")
          .append("stage 3 boxed → stage 3 mostly the key (on reads, both are one lookup in a lock-free hash ")
          .append("table; stage 3's chapter says what else its read does). In brackets, as above: the time over ")
          .append("stage 0's, then over the limit's.\n\n")
          .append("| threads | stage 1 | stage 3 boxed | stage 3 | lock-free map: stage 3 boxed ÷ stage 1 ")
          .append("| primitive key: stage 3 ÷ stage 3 boxed | limit |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int t : results.threadCounts("AllStages_01_SessionTable")) {
            Row base = results.table("stage0", "100", t);
            Row limit = t == 1 ? results.table(LIMIT, "100", t) : null;
            Row s1 = results.table("stage1", "100", t);
            Row boxed = results.table("stage3-boxed", "100", t);
            Row s3 = results.table("stage3", "100", t);
            md.append("| ").append(t).append(t > 2 ? " (oversubscribed)" : "").append(" | ")
              .append(timeCell(s1, base, limit)).append(" | ").append(timeCell(boxed, base, limit)).append(" | ")
              .append(timeCell(s3, base, limit)).append(" | ").append(timeRatio(boxed, s1)).append(" | ")
              .append(timeRatio(s3, boxed)).append(" | ").append(t == 1 ? cell(limit) : "1 thread only").append(" |\n");
        }
        md.append('\n');
    }

    private void sendQueue(StringBuilder md) {
        Row any = results.queue("stage0", "oneProducer");
        if (any == null) {
            return;
        }
        md.append("### Send queue: messages through one session's queue (").append(any.unit())
          .append(", higher is better)\n\n")
          .append("In brackets: the throughput over stage 0's, then over the limit's. Limit: a stack that producers ")
          .append("push onto with one CAS, which also decides the wake-up, taken whole by the drain ")
          .append("(`lockfree.bench.limit.LimitSendQueue`).\n\n")
          .append("| producers |");
        for (String s : QUEUES) {
            md.append(' ').append(header(s)).append(" |");
        }
        md.append("\n|---:|").append("---:|".repeat(QUEUES.length)).append('\n');
        for (String g : new String[] {"oneProducer", "threeProducers"}) {
            Row base = results.queue("stage0", g);
            Row limit = results.queue(LIMIT, g);
            md.append("| ").append(g.equals("oneProducer") ? "1" : "3 (oversubscribed)").append(" |");
            for (String s : QUEUES) {
                Row r = results.queue(s, g);
                md.append(' ').append(cell(r));
                if (r != null && r.resolved() && !s.equals(LIMIT)) {
                    String toBase = s.equals("stage0") || base == null ? "" : speedup(r, base);
                    String toLimit = limit == null ? "" : "lim " + speedup(r, limit);
                    if (!toBase.isEmpty() || !toLimit.isEmpty()) {
                        md.append(" (").append(toBase).append(!toBase.isEmpty() && !toLimit.isEmpty() ? "; " : "")
                          .append(toLimit).append(')');
                    }
                }
                md.append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private void counters(StringBuilder md) {
        Row any = results.counter("synchronizedCounter", 1);
        if (any == null) {
            return;
        }
        md.append("### Metrics counters: time per increment (").append(any.unit()).append(")\n\n")
          .append("No stages here, so no limit column: the ratio is to `synchronized`, the counter the plan replaces.\n\n")
          .append("| threads | synchronized | AtomicLong | LongAdder |\n|---:|---:|---:|---:|\n");
        for (int t : results.threadCounts("Metrics_01_Counters")) {
            Row sync = results.counter("synchronizedCounter", t);
            md.append("| ").append(t).append(t > 2 ? " (oversubscribed)" : "").append(" | ").append(cell(sync)).append(" | ")
              .append(cell(results.counter("atomicLong", t))).append(" (").append(timeRatio(results.counter("atomicLong", t), sync)).append(") | ")
              .append(cell(results.counter("longAdder", t))).append(" (").append(timeRatio(results.counter("longAdder", t), sync)).append(") |\n");
        }
        md.append('\n');
    }
}
