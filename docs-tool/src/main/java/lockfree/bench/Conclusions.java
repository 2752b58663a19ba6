package lockfree.bench;

import lockfree.docs.Blocks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A chapter's conclusion, in sentences rendered from the same raw JMH JSON as its tables, so the
 * words "faster", "slower" and "not resolved" and the numbers beside them cannot drift from the
 * measurement:
 * <pre>
 * &lt;!-- jmh-conclusion: a.json [b.json ...] | stage=stage3,readPercent=95,threads=2 vs stage=stage0,readPercent=95,threads=2 | ... --&gt;
 * &lt;!-- /jmh-conclusion --&gt;
 * </pre>
 * Each comparison after a {@code |} names two results by selector ({@code key=value} pairs, comma
 * separated: {@code method}, {@code class}, {@code threads} or any JMH parameter) and renders one
 * sentence: the two scores with their 99.9% intervals, their ratio, and whether this run resolves
 * it, by the rule every table follows ({@link Resolution#apart}: both intervals and both ranges of fork
 * means apart). A selector that matches no result, or more than one, is an error: a sentence never
 * quietly speaks of another result than the one its marker names.
 */
final class Conclusions {
    static final Pattern MARKER = Pattern.compile(
            "(<!-- jmh-conclusion: ([^>|]+?) ((?:\\|[^>|]+)+)-->\n)(.*?)(<!-- /jmh-conclusion -->)", Pattern.DOTALL);

    private Conclusions() {
    }

    /** Every conclusion block of a page, rendered from the raw files its marker names (relative to {@code dir}). */
    static String render(String page, Path dir) throws IOException {
        return Blocks.render(page, MARKER, m -> {
            List<JmhResults.Row> rows = new ArrayList<>();
            for (String f : m.group(2).trim().split("\\s+")) {
                rows.addAll(JmhResults.read(dir.resolve(f)).rows());
            }
            StringBuilder block = new StringBuilder();
            for (String comparison : m.group(3).substring(1).split("\\|")) {
                String[] sides = comparison.trim().split("\\s+vs\\s+");
                if (sides.length != 2) {
                    throw new IOException("a comparison is \"A vs B\": " + comparison.trim());
                }
                Map<String, String> a = selector(sides[0]);
                Map<String, String> b = selector(sides[1]);
                block.append("- ").append(sentence(a, only(rows, a), b, only(rows, b))).append('\n');
            }
            return "\n" + block + "\n";
        });
    }

    static Map<String, String> selector(String text) throws IOException {
        Map<String, String> s = new LinkedHashMap<>();
        for (String kv : text.trim().split(",")) {
            String[] p = kv.trim().split("=", 2);
            if (p.length != 2 || p[0].isBlank() || p[1].isBlank()) {
                throw new IOException("a selector is key=value,...: " + text.trim());
            }
            s.put(p[0].trim(), p[1].trim());
        }
        return s;
    }

    private static boolean matches(JmhResults.Row r, Map<String, String> selector) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            String actual = switch (e.getKey()) {
                case "method" -> r.method();
                case "class" -> r.clazz();
                case "threads" -> Integer.toString(r.threads());
                default -> r.params().get(e.getKey());
            };
            if (!e.getValue().equals(actual)) {
                return false;
            }
        }
        return true;
    }

    static JmhResults.Row only(List<JmhResults.Row> rows, Map<String, String> selector) throws IOException {
        List<JmhResults.Row> found = rows.stream().filter(r -> matches(r, selector)).toList();
        if (found.size() != 1) {
            throw new IOException(found.size() + " results match " + selector + ", not exactly one: name more of it");
        }
        return found.get(0);
    }

    /**
     * One sentence: the context (what both selectors share), the two results, their ratio and the
     * verdict. A time (unit per operation) is compared as time, and at equal threads also as the
     * operations completed; a throughput as throughput.
     */
    static String sentence(Map<String, String> selA, JmhResults.Row a, Map<String, String> selB, JmhResults.Row b) {
        List<String> shared = new ArrayList<>();
        List<String> onlyA = new ArrayList<>();
        List<String> onlyB = new ArrayList<>();
        for (Map.Entry<String, String> e : selA.entrySet()) {
            String w = words(e.getKey(), e.getValue());
            if (e.getValue().equals(selB.get(e.getKey()))) {
                shared.add(w);
            } else {
                onlyA.add(w);
            }
        }
        selB.forEach((k, v) -> {
            if (!v.equals(selA.get(k))) {
                onlyB.add(words(k, v));
            }
        });
        String nameA = String.join(", ", onlyA);
        String nameB = String.join(", ", onlyB);
        boolean time = a.unit().endsWith("/op");
        StringBuilder s = new StringBuilder();
        if (!shared.isEmpty()) {
            s.append(String.join(", ", shared)).append(": ");
        }
        s.append(nameA.isEmpty() ? "the first" : nameA).append(' ').append(score(a)).append(", ")
                .append(nameB.isEmpty() ? "the second" : nameB).append(' ').append(score(b)).append(' ').append(b.unit()).append(". ");
        String over = (nameA.isEmpty() ? "the first" : nameA) + " over " + (nameB.isEmpty() ? "the second" : nameB);
        s.setCharAt(0, Character.toUpperCase(s.charAt(0)));
        if (!a.resolved() || !b.resolved()) {
            JmhResults.Row wide = !a.resolved() ? a : b;
            String whose = wide == a ? nameA : nameB;
            return s.append("Not resolved: ").append(whose).append("'s 99.9% interval is as wide as its score, so no ratio is ")
                    .append("taken; ").append(remedy(a, b)).toString();
        }
        double ratio = a.score() / b.score();
        s.append(Character.toUpperCase(over.charAt(0))).append(over.substring(1)).append(": ");
        if (time) {
            s.append(String.format(Locale.ROOT, "×%.2f the time per operation", ratio));
            if (a.threads() == b.threads()) {
                s.append(String.format(Locale.ROOT, ", %.2fx the operations completed", 1 / ratio));
            }
        } else {
            s.append(String.format(Locale.ROOT, "%.2fx the throughput", ratio));
        }
        if (Resolution.apart(a, b)) {
            return s.append("; resolved: the 99.9% intervals and the ranges of fork means are apart.").toString();
        }
        boolean intervals = !(a.score() + a.error() < b.score() - b.error() || b.score() + b.error() < a.score() - a.error());
        boolean forks = !(a.forkMax() < b.forkMin() || b.forkMax() < a.forkMin());
        String overlap = intervals && forks ? "the 99.9% intervals and the ranges of fork means overlap"
                : intervals ? "the 99.9% intervals overlap" : "the ranges of fork means overlap";
        return s.append("; not resolved: ").append(overlap).append(", so this run ranks neither; ").append(remedy(a, b)).toString();
    }

    /** What would resolve it: more forks always; where threads contend, more cores than this machine's two. */
    private static String remedy(JmhResults.Row a, JmhResults.Row b) {
        String forks = "more forks on a quiet machine would narrow the intervals";
        return (Math.max(a.threads(), b.threads()) > 1 ? forks + ", and more cores would give contention more room to show" : forks) + ".";
    }

    /** A score as the tables print it: score ± error, or n.r. with both in brackets. */
    private static String score(JmhResults.Row r) {
        return Resolution.cell(r);
    }

    /** A selector's pair in words: {@code stage=stage3} is "stage 3", {@code readPercent=95} "95% reads". */
    static String words(String key, String value) {
        return switch (key) {
            case "stage" -> value.equals(Columns.LIMIT) ? "the limit" : value.replace("stage", "stage ").replace("-boxed", " boxed");
            case "readPercent" -> value.equals("0") ? "re-logins only" : value + "% reads";
            case "threads" -> value + (value.equals("1") ? " thread" : " threads");
            case "shards" -> value + (value.equals("1") ? " shard" : " shards");
            case "users" -> String.format(Locale.ROOT, "%,d users", Long.parseLong(value));
            case "method" -> switch (value) {
                case "oneProducer" -> "the send queue with 1 producer";
                case "threeProducers" -> "the send queue with 3 producers";
                default -> "`" + value + "`";
            };
            case "class" -> "`" + value + "`";
            default -> "`" + key + "=" + value + "`";
        };
    }
}
