package lockfree.bench;

import lockfree.docs.Blocks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lockfree.bench.Captions.Run;
import lockfree.bench.JmhResults.Row;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static lockfree.bench.Captions.caption;
import static lockfree.bench.Captions.churnRun;
import static lockfree.bench.Captions.footprintRun;
import static lockfree.bench.Captions.jmhRun;
import static lockfree.bench.Resolution.cell;

/**
 * The tables a chapter marks beside its prose, each rendered from the one raw file its marker
 * names: a chapter's own JMH results ({@code jmh-table}), the queue footprint
 * ({@code footprint-table}) and the memory after churn ({@code churn-table}). Each ends with its
 * caption lines ({@link Captions}).
 */
final class RawTables {
    private RawTables() {
    }

    /**
     * A chapter's own benchmark results, rendered from their raw JMH JSON (paths relative to the
     * page): {@code <!-- jmh-table: a.json b.json -->} ... {@code <!-- /jmh-table -->}. One row per
     * result, in the files' order: benchmark, parameters, threads, score ± 99.9% error; a score
     * whose interval is as wide as itself is marked "n.r." (not resolved), as in the comparison.
     */
    static final Pattern JMH_TABLE = Pattern.compile(
            "(<!-- jmh-table: ([^>]+?) -->\n)(.*?)(<!-- /jmh-table -->)", Pattern.DOTALL);

    static String renderJmhTables(String page, Path dir) throws IOException {
        return Blocks.render(page, JMH_TABLE, m -> {
            List<String> files = List.of(m.group(2).trim().split("\\s+"));
            List<Row> rows = new ArrayList<>();
            List<Run> runs = new ArrayList<>();
            for (String f : files) {
                rows.addAll(JmhResults.read(dir.resolve(f)).rows());
                runs.add(jmhRun(dir.resolve(f)));
            }
            return "\n" + jmhTable(rows, files, runs) + "\n";
        });
    }

    static String jmhTable(List<Row> rows, List<String> files, List<Run> runs) {
        StringBuilder sb = new StringBuilder("| benchmark | parameters | threads | score ± error |\n|---|---|---:|---:|\n");
        for (Row r : rows) {
            StringBuilder params = new StringBuilder();
            r.params().forEach((k, v) -> params.append(params.length() == 0 ? "" : ", ").append(k).append('=').append(v));
            sb.append("| ").append(r.clazz()).append('.').append(r.method()).append(" | ").append(params).append(" | ")
                    .append(r.threads()).append(" | ").append(cell(r)).append(' ').append(r.unit()).append(" |\n");
        }
        // The legend of n.r. only under a table that has an n.r. cell.
        sb.append(rows.stream().anyMatch(r -> !r.resolved())
                ? "\nn.r.: not resolved, the interval is as wide as the score. Rendered by `./bench.sh report`.\n\n"
                : "\nRendered by `./bench.sh report`.\n\n");
        for (int i = 0; i < files.size(); i++) {
            sb.append(caption(files.get(i), runs.get(i)));
        }
        return sb.toString();
    }

    /**
     * A queue-footprint table, rendered from {@code QueueFootprint}'s raw output (path relative to
     * the page): {@code <!-- footprint-table: docs/queue-footprint.txt -->} ...
     * {@code <!-- /footprint-table -->}. The first JDK's table in the file; the file says whether
     * the others agree.
     */
    static final Pattern FOOTPRINT_TABLE = Pattern.compile(
            "(<!-- footprint-table: (\\S+) -->\n)(.*?)(<!-- /footprint-table -->)", Pattern.DOTALL);
    private static final Pattern FOOTPRINT_ROW = Pattern.compile(
            "^(\\S+)\\s+(.+?)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$");

    static String renderFootprintTables(String page, Path dir) throws IOException {
        return Blocks.render(page, FOOTPRINT_TABLE,
                m -> "\n" + footprintTable(Files.readAllLines(dir.resolve(m.group(2))), m.group(2)) + "\n");
    }

    static String footprintTable(List<String> lines, String file) throws IOException {
        StringBuilder sb = new StringBuilder("| stage | queue | empty | after a burst | full |\n|---|---|---:|---:|---:|\n");
        boolean inTable = false;
        int rows = 0;
        for (String line : lines) {
            if (line.startsWith("stage ") && line.contains("empty")) {
                inTable = true;
            } else if (inTable) {
                Matcher r = FOOTPRINT_ROW.matcher(line.strip());
                if (!r.matches()) {
                    break;
                }
                sb.append("| ").append(r.group(1)).append(" | ").append(r.group(2)).append(" | ").append(r.group(3))
                        .append(" | ").append(r.group(4)).append(" | ").append(r.group(5)).append(" |\n");
                rows++;
            }
        }
        if (rows == 0) {
            throw new IOException(file + " has no footprint table");
        }
        return sb.append("\nBytes retained per session. Rendered by `./bench.sh report`.\n\n")
                .append(caption(file, footprintRun(lines))).toString();
    }

    /**
     * The memory-after-churn table, rendered from {@link ChurnMemory}'s JSON (path relative to the
     * page): {@code <!-- churn-table: bench/churn-memory.json -->} ... {@code <!-- /churn-table -->}.
     */
    static final Pattern CHURN_TABLE = Pattern.compile(
            "(<!-- churn-table: (\\S+) -->\n)(.*?)(<!-- /churn-table -->)", Pattern.DOTALL);

    static String renderChurnTables(String page, Path dir) throws IOException {
        return Blocks.render(page, CHURN_TABLE,
                m -> "\n" + churnTable(new ObjectMapper().readTree(dir.resolve(m.group(2)).toFile()), m.group(2)) + "\n");
    }

    static String churnTable(JsonNode run, String file) {
        StringBuilder sb = new StringBuilder("| stage | bytes before | bytes after | growth | held to the "
                + pct(run.get("target").asDouble()) + " bound |\n|---|---:|---:|---:|---|\n");
        for (JsonNode row : run.get("rows")) {
            boolean held = row.get("heldToTarget").asBoolean();
            double growth = row.get("growth").asDouble();
            sb.append("| ").append(row.get("stage").asText())
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", row.get("bytesBefore").asLong()))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", row.get("bytesAfter").asLong()))
                    .append(" | ").append(String.format(Locale.ROOT, "%+.1f%%", 100 * growth))
                    .append(" | ").append(held ? (growth <= run.get("target").asDouble() ? "yes, within" : "NO, over")
                            : "not held (shown for its growth)").append(" |\n");
        }
        return sb.append("\n").append(String.format(Locale.ROOT, "%,d", run.get("cycles").asLong()))
                .append(" reconnections with ").append(String.format(Locale.ROOT, "%,d", run.get("liveUsers").asLong()))
                .append(" users online. Rendered by `./bench.sh report`.\n\n").append(caption(file, churnRun(run)))
                .toString();
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }
}
