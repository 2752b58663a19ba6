package lockfree.stress;

import lockfree.docs.Blocks;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Renders {@code <!-- stress-profile: dir -->} ... {@code <!-- /stress-profile -->} blocks (one of
 * {@link DocTables}' marker kinds) from the JSON files {@code --profile dir} wrote: for each
 * scenario, one row per {@link ProfileClassifier.Category} and one column per target, each cell
 * the category's share of the target's samples and its CPU microseconds per delivery.
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
                all.add(LoadClient.JSON.readTree(f.toFile()));
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
        StringBuilder sb = new StringBuilder("**").append(scenario).append("**: share of the gateway's CPU samples / CPU per delivery (us)\n\n");
        sb.append("| category |");
        cols.forEach(c -> sb.append(' ').append(c.path("target").asText()).append(" |"));
        sb.append('\n').append("|---").append("|---:".repeat(cols.size())).append("|\n");
        for (ProfileClassifier.Category cat : ProfileClassifier.Category.values()) {
            sb.append("| ").append(cat.label()).append(" |");
            for (JsonNode c : cols) {
                JsonNode e = entry(c, cat);
                sb.append(' ').append(e == null ? "-" : String.format(Locale.ROOT, "%.1f%% / %s",
                        e.path("share").asDouble() * 100, us(e.path("cpuMicrosPerDelivery").asDouble()))).append(" |");
            }
            sb.append('\n');
        }
        sb.append("| **all (measured gateway CPU)** |");
        cols.forEach(c -> sb.append(" 100% / ").append(us(c.path("cpuMicrosPerDelivery").asDouble())).append(" |"));
        sb.append("\n\n");
        for (JsonNode c : cols) {
            JsonNode mode = c.path("mode");
            sb.append("- ").append(c.path("target").asText()).append(": ")
                    .append(c.path("categories").findValues("samples").stream().mapToLong(JsonNode::asLong).sum())
                    .append(" samples, ").append(c.path("delivered").asLong()).append(" deliveries, ")
                    .append(mode.path("event").asText()).append(" every ").append(mode.path("interval").asText())
                    .append(", ").append(mode.path("ran").asText()).append(" (perf_event_paranoid ")
                    .append(mode.path("perfEventParanoid").asText()).append("); `").append(c.path("command").asText())
                    .append("`, ").append(c.path("date").asText(), 0, Math.min(10, c.path("date").asText().length()))
                    .append('\n');
        }
        return sb.toString();
    }

    private static JsonNode entry(JsonNode doc, ProfileClassifier.Category cat) {
        for (JsonNode e : doc.path("categories")) {
            if (cat.key().equals(e.path("category").asText())) {
                return e;
            }
        }
        return null;
    }

    private static String us(double micros) {
        return micros < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", micros);
    }
}
