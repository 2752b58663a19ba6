package lockfree.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./bench.sh report}: renders every JMH-derived block of the docs from its committed raw
 * result. BENCHMARKS.md's compare block (between {@code <!-- compare:begin -->} and
 * {@code <!-- compare:end -->}) and the charts come from the cross-stage run ({@code compare.json},
 * {@link CompareTables}, {@link Charts}); each page's own marked blocks from the raw files their
 * markers name ({@link RawTables}, {@link JcstressTable}, {@link Conclusions}, {@link BuildTime}).
 * The raw files are the one source: the tests fail when a block in a doc is not what these classes
 * render from the committed file.
 *
 * <p>Usage: {@code Report <compare.json> <chartDir> <BENCHMARKS.md> [chapter.md...]}. An existing
 * doc gets the text between its markers replaced; a missing one is written with just the markers
 * and tables (the CI smoke run renders into target/ that way). Nothing is re-measured.
 */
public final class Report {
    static final String BEGIN = "<!-- compare:begin -->";
    static final String END = "<!-- compare:end -->";

    private Report() {
    }

    /** BENCHMARKS.md's block: the run's caption, then the tables; {@code link} is the JSON as the page links it. */
    static String compareBlock(Path json, String link) throws IOException {
        return Captions.caption(link, Captions.jmhRun(json)) + "\n" + new CompareTables(JmhResults.read(json)).tables();
    }

    /**
     * Every table and conclusion a page marks (JMH, footprint, churn, jcstress, jmh-conclusion),
     * rendered from the raw result its marker names.
     */
    static String renderPage(String page, Path dir) throws IOException {
        String tables = JcstressTable.render(RawTables.renderChurnTables(
                RawTables.renderFootprintTables(RawTables.renderJmhTables(page, dir), dir), dir), dir);
        return BuildTime.render(Conclusions.render(tables, dir), dir);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: Report <compare.json> <chartDir> <BENCHMARKS.md> [chapter.md...]");
        }
        for (int i = 3; i < args.length; i++) {
            Path page = Path.of(args[i]);
            Path dir = page.toAbsolutePath().getParent();
            Files.writeString(page, renderPage(Files.readString(page), dir), StandardCharsets.UTF_8);
            System.out.println("rendered the JMH, footprint, churn and jcstress tables and the conclusions of " + page);
        }
        Path json = Path.of(args[0]);
        Path charts = Path.of(args[1]);
        Path doc = Path.of(args[2]);
        Files.createDirectories(charts);
        new Charts(JmhResults.read(json)).write(charts);
        String link = doc.toAbsolutePath().getParent().relativize(json.toAbsolutePath()).toString();
        String tables = compareBlock(json, link);
        if (Files.exists(doc)) {
            // The compare block, then the page's own marked blocks (its conclusions are rendered from the same JSON).
            Files.writeString(doc, renderPage(replaceBetweenMarkers(Files.readString(doc), tables), doc.toAbsolutePath().getParent()),
                    StandardCharsets.UTF_8);
        } else {
            Files.createDirectories(doc.toAbsolutePath().getParent());
            Files.writeString(doc, BEGIN + "\n" + tables + END + "\n", StandardCharsets.UTF_8);
        }
        System.out.println("wrote the tables into " + doc + " and the charts into " + charts);
    }

    /** The doc with the text between its markers replaced by {@code tables}. */
    static String replaceBetweenMarkers(String doc, String tables) {
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("no " + BEGIN + " ... " + END + " in the doc");
        }
        return doc.substring(0, b + BEGIN.length()) + "\n" + tables + doc.substring(e);
    }

    /** The text between the doc's markers, as {@link #replaceBetweenMarkers} writes it. */
    static String betweenMarkers(String doc) {
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("no " + BEGIN + " ... " + END + " in the doc");
        }
        return doc.substring(b + BEGIN.length() + 1, e);
    }
}
