package lockfree.common.stress;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the stress tables of a Markdown page from the runs' raw JSON ({@code --json}), so a
 * number in the docs has one source. A table sits between
 * {@code <!-- stress-table: stress/run.json -->} and {@code <!-- /stress-table -->}; the path is
 * relative to the page, as a link would be. {@code ./stress.sh render} rewrites the tables of
 * docs/STRESS.md; the stress module's tests fail when a committed table no longer matches its JSON.
 */
public final class DocTables {
    static final Pattern TABLE = Pattern.compile(
            "(<!-- stress-table: (\\S+) -->\n)(.*?)(<!-- /stress-table -->)", Pattern.DOTALL);

    private DocTables() {
    }

    /** The stages of one {@code --json} file, as the run reported them. */
    static List<StageResult> read(Path json) throws IOException {
        JsonNode doc = LoadClient.JSON.readTree(json.toFile());
        List<StageResult> stages = new ArrayList<>();
        for (JsonNode stage : doc.path("stages")) {
            stages.add(LoadClient.JSON.treeToValue(stage, StageResult.class));
        }
        if (stages.isEmpty()) {
            throw new IOException(json + " has no stages");
        }
        return stages;
    }

    /** The page with every marked table rendered from its JSON (relative to {@code dir}). */
    static String render(String page, Path dir) throws IOException {
        Matcher m = TABLE.matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String table = Report.markdown(read(dir.resolve(m.group(2))));
            // Blank lines around the table: Markdown ends a table only at a blank line.
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + "\n" + table + "\n" + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code DocTables page.md...}: rewrites each page's tables in place. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: DocTables <page.md>...");
            System.exit(2);
        }
        for (String arg : args) {
            Path page = Path.of(arg);
            String before = Files.readString(page);
            String after = render(before, page.toAbsolutePath().getParent());
            Files.writeString(page, after);
            System.out.println((before.equals(after) ? "unchanged " : "rendered ") + page);
        }
    }
}
