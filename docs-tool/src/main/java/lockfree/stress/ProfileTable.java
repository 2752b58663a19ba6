package lockfree.stress;

import lockfree.docs.Blocks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Renders {@code <!-- stress-profile: dir -->} ... {@code <!-- /stress-profile -->} blocks (one of
 * {@link DocTables}' marker kinds) from the JSON files {@code --profile dir} wrote: for each
 * scenario, one row per {@link ProfileClassifier.Category} and one column per target, each cell
 * the category's share of the target's samples and its CPU microseconds per delivery, the median
 * and range of the target's profiled runs. Under it, when the limit was profiled too, each other
 * target's difference from the limit per category, called resolved by the stress tool's rule (the
 * two ranges do not overlap; see {@link Report}).
 */
final class ProfileTable {
    static final Pattern BLOCK = Pattern.compile(
            "(<!-- stress-profile: (\\S+) -->\n)(.*?)(<!-- /stress-profile -->)", Pattern.DOTALL);
    private static final List<String> SCENARIOS = List.of("unicast", "broadcast");

    private ProfileTable() {
    }

    /** The page with every profile block rendered from its directory (relative to {@code dir}). */
    static String render(String page, Path dir) throws IOException {
        return Blocks.render(page, BLOCK, m -> "\n" + tables(dir.resolve(m.group(2))) + "\n");
    }

    /** One table per scenario that has profiles in {@code dir}, stages in order, the limit last. */
    static String tables(Path dir) throws IOException {
        List<JsonNode> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                JsonNode doc = LoadClient.JSON.readTree(f.toFile());
                if (doc.path("repeats").isEmpty() || doc.path("machine").isMissingNode()) {
                    throw new IOException(f + " lists no profiled runs (\"repeats\") or no machine: profile again (PROFILE="
                            + dir + " ./stress.sh)");
                }
                all.add(doc);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String scenario : SCENARIOS) {
            List<JsonNode> cols = all.stream().filter(d -> scenario.equals(d.path("scenario").asText()))
                    .sorted(Comparator.comparing((JsonNode d) -> Target.LIMIT_NAME.equals(d.path("target").asText()))
                            .thenComparing(d -> d.path("target").asText()))
                    .toList();
            if (!cols.isEmpty()) {
                sb.append(sb.isEmpty() ? "" : "\n").append(table(scenario, cols));
            }
        }
        if (sb.isEmpty()) {
            throw new IOException("no unicast or broadcast profile JSON in " + dir);
        }
        return sb.toString();
    }

    private static String table(String scenario, List<JsonNode> cols) {
        int most = cols.stream().mapToInt(c -> c.path("repeats").size()).max().orElse(0);
        StringBuilder sb = new StringBuilder("**").append(scenario)
                .append("**: share of the gateway's CPU samples / CPU per delivery (us)");
        if (most > 1) {
            sb.append(", each the median [").append(Report.Spread.words(most)).append("] of the target's profiled runs");
        }
        sb.append("\n\n| category |");
        cols.forEach(c -> sb.append(' ').append(c.path("target").asText()).append(" |"));
        sb.append('\n').append("|---").append("|---:".repeat(cols.size())).append("|\n");
        for (ProfileClassifier.Category cat : ProfileClassifier.Category.values()) {
            sb.append("| ").append(cat.label()).append(" |");
            for (JsonNode c : cols) {
                Report.Spread share = spread(c, r -> entry(r, cat).path("share").asDouble());
                sb.append(' ').append(String.format(Locale.ROOT, "%.1f%% / ", share.median() * 100))
                        .append(us(spread(c, r -> entry(r, cat).path("cpuMicrosPerDelivery").asDouble()))).append(" |");
            }
            sb.append('\n');
        }
        sb.append("| **all (measured gateway CPU)** |");
        cols.forEach(c -> sb.append(" 100% / ").append(us(spread(c, r -> r.path("cpuMicrosPerDelivery").asDouble()))).append(" |"));
        sb.append("\n\n");
        for (JsonNode c : cols) {
            JsonNode runs = c.path("repeats");
            long samples = 0;
            long delivered = 0;
            Set<String> ran = new LinkedHashSet<>();
            Set<String> paranoid = new LinkedHashSet<>();
            for (JsonNode r : runs) {
                samples += r.path("categories").findValues("samples").stream().mapToLong(JsonNode::asLong).sum();
                delivered += r.path("delivered").asLong();
                ran.add(r.path("mode").path("ran").asText());
                paranoid.add(r.path("mode").path("perfEventParanoid").asText());
            }
            JsonNode mode = runs.path(0).path("mode");
            sb.append("- ").append(c.path("target").asText()).append(": ").append(runs.size())
                    .append(runs.size() == 1 ? " run, " : " runs, ").append(samples).append(" samples, ")
                    .append(delivered).append(" deliveries, ").append(mode.path("event").asText()).append(" every ")
                    .append(mode.path("interval").asText()).append(", ").append(String.join(" / ", ran))
                    .append(" (perf_event_paranoid ").append(String.join(" / ", paranoid)).append("); `")
                    .append(c.path("command").asText()).append("`, ")
                    .append(DocTables.machine(c.path("machine"))).append(", ")
                    .append(c.path("date").asText(), 0, Math.min(10, c.path("date").asText().length())).append('\n');
        }
        List<JsonNode> limit = cols.stream().filter(c -> Target.LIMIT_NAME.equals(c.path("target").asText())).toList();
        if (!limit.isEmpty() && cols.size() > 1) {
            sb.append('\n').append(againstTheLimit(scenario, cols, limit.get(0)));
        }
        return sb.toString();
    }

    /*
     * Each target's difference from the limit, category by category: the difference of the two
     * medians, bare where the two ranges do not overlap (resolved), in parentheses where they do.
     * Medians are taken category by category, so the rows need not add up to the total's.
     */
    private static String againstTheLimit(String scenario, List<JsonNode> cols, JsonNode limit) {
        List<JsonNode> others = cols.stream().filter(c -> c != limit).toList();
        StringBuilder sb = new StringBuilder("**").append(scenario)
                .append("**, above (+) or below (-) the limit: CPU per delivery (us), difference of the medians; "
                        + "in parentheses where the two ranges overlap (not resolved)\n\n| category |");
        others.forEach(c -> sb.append(' ').append(c.path("target").asText()).append(" |"));
        sb.append('\n').append("|---").append("|---:".repeat(others.size())).append("|\n");
        for (ProfileClassifier.Category cat : ProfileClassifier.Category.values()) {
            sb.append("| ").append(cat.label()).append(" |");
            Report.Spread base = spread(limit, r -> entry(r, cat).path("cpuMicrosPerDelivery").asDouble());
            for (JsonNode c : others) {
                sb.append(' ').append(difference(spread(c, r -> entry(r, cat).path("cpuMicrosPerDelivery").asDouble()), base))
                        .append(" |");
            }
            sb.append('\n');
        }
        sb.append("| **all (measured gateway CPU)** |");
        Report.Spread base = spread(limit, r -> r.path("cpuMicrosPerDelivery").asDouble());
        others.forEach(c -> sb.append(' ').append(difference(spread(c, r -> r.path("cpuMicrosPerDelivery").asDouble()), base))
                .append(" |"));
        return sb.append('\n').toString();
    }

    private static String difference(Report.Spread a, Report.Spread base) {
        if (a == null || base == null) {
            return "n/a";
        }
        String d = String.format(Locale.ROOT, "%+.2f", a.median() - base.median());
        return a.resolvedFrom(base) ? d : "(" + d + ")";
    }

    /** A figure over the target's repeats. */
    private static Report.Spread spread(JsonNode doc, ToDoubleFunction<JsonNode> figure) {
        JsonNode runs = doc.path("repeats");
        double[] v = new double[runs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = figure.applyAsDouble(runs.get(i));
        }
        return Report.Spread.of(v);
    }

    /** One repeat's entry for {@code cat}; a missing node (every figure reads as 0) if it has none. */
    private static JsonNode entry(JsonNode repeat, ProfileClassifier.Category cat) {
        for (JsonNode e : repeat.path("categories")) {
            if (cat.key().equals(e.path("category").asText())) {
                return e;
            }
        }
        return MissingNode.getInstance();
    }

    /** Median, and the range when there is more than one run; n/a when a run could not measure it. */
    private static String us(Report.Spread s) {
        if (s == null) {
            return "n/a";
        }
        String median = String.format(Locale.ROOT, "%.2f", s.median());
        return s.runs() == 1 ? median : String.format(Locale.ROOT, "%s [%.2f-%.2f]", median, s.low(), s.high());
    }
}
