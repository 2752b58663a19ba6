package lockfree.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Renders a cross-stage JMH result ({@code compare.json}) into the tables of
 * {@code docs/BENCHMARKS.md} (between the markers {@code <!-- compare:begin -->} and
 * {@code <!-- compare:end -->}: each stage's ratio to stage 0 and to the limit, beside the plan's
 * prediction) and PNG charts. The JSON is the one source: {@code BenchmarksDocTest} fails when
 * the tables in the doc are not what this class renders from the committed JSON.
 *
 * <p><b>What counts as a difference.</b> A result whose 99.9% interval is wider than its score is
 * shown as "n.r." (not resolved) with its numbers in brackets, and no ratio is computed from it.
 * A ratio between two results is marked "n.r." unless both their 99.9% intervals and the ranges
 * of their fork means are apart (JMH's interval pools the iterations of all forks as if they were
 * independent; the fork means are the repeats that are).
 *
 * <p>A JSON from before the limit and {@code stage3-boxed} existed renders with those columns
 * empty ("-"), so an old result still renders as it did.
 *
 * <p>Usage: {@code Report <compare.json> <chartDir> <BENCHMARKS.md>}. An existing doc gets the
 * text between its markers replaced; a missing one is written with just the markers and tables
 * (the CI smoke run renders into target/ that way). Nothing is re-measured.
 */
public final class Report {
    /** The four stages, in tutorial order: the plan's predictions are about these. */
    static final String[] STAGES = {"stage0", "stage1", "stage2", "stage3"};
    /** Columns of the session-table tables: the stages, the boxed split, the limit. */
    static final String[] TABLES = {"stage0", "stage1", "stage2", "stage3", "stage3-boxed", "limit"};
    /** Columns of the send-queue table. */
    static final String[] QUEUES = {"stage0", "stage1", "stage2", "stage3", "limit"};
    static final String LIMIT = "limit";
    static final String BEGIN = "<!-- compare:begin -->";
    static final String END = "<!-- compare:end -->";

    /**
     * One JMH result row: which benchmark, with which threads and parameters, its score, its
     * 99.9% error and the mean of each fork's measured iterations.
     */
    record Row(String benchmark, int threads, Map<String, String> params, double score, double error, String unit,
               double[] forkMeans) {
        String param(String name) {
            return params.getOrDefault(name, "");
        }

        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        String clazz() {
            String b = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return b.substring(b.lastIndexOf('.') + 1);
        }

        /** Resolved: an interval (one sample has none) narrower than the score itself. */
        boolean resolved() {
            return !Double.isNaN(error) && error < score;
        }

        double forkMin() {
            return Arrays.stream(forkMeans).min().orElse(score);
        }

        double forkMax() {
            return Arrays.stream(forkMeans).max().orElse(score);
        }
    }

    private final List<Row> rows;

    Report(List<Row> rows) {
        this.rows = rows;
    }

    List<Row> rows() {
        return rows;
    }

    static Report read(Path json) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (JsonNode n : new ObjectMapper().readTree(json.toFile())) {
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode m = n.get("primaryMetric");
            double error = m.path("scoreError").asDouble(Double.NaN); // "NaN" with one sample
            List<Double> forkMeans = new ArrayList<>();
            for (JsonNode fork : m.path("rawData")) {
                double sum = 0;
                for (JsonNode it : fork) {
                    sum += it.asDouble();
                }
                if (fork.size() > 0) {
                    forkMeans.add(sum / fork.size());
                }
            }
            rows.add(new Row(n.get("benchmark").asText(), n.get("threads").asInt(), params,
                    m.get("score").asDouble(), error, m.get("scoreUnit").asText(),
                    forkMeans.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return new Report(rows);
    }

    /**
     * A chapter's own benchmark results, rendered from their raw JMH JSON (paths relative to the
     * page): {@code <!-- jmh-table: a.json b.json -->} ... {@code <!-- /jmh-table -->}. One row per
     * result, in the files' order: benchmark, parameters, threads, score ± 99.9% error; a score
     * whose interval is as wide as itself is marked "n.r." (not resolved), as in the comparison.
     */
    static final java.util.regex.Pattern JMH_TABLE = java.util.regex.Pattern.compile(
            "(<!-- jmh-table: ([^>]+?) -->\n)(.*?)(<!-- /jmh-table -->)", java.util.regex.Pattern.DOTALL);

    static String renderJmhTables(String page, Path dir) throws IOException {
        java.util.regex.Matcher m = JMH_TABLE.matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<String> files = List.of(m.group(2).trim().split("\\s+"));
            List<Row> rows = new ArrayList<>();
            List<Run> runs = new ArrayList<>();
            for (String f : files) {
                rows.addAll(read(dir.resolve(f)).rows);
                runs.add(jmhRun(dir.resolve(f)));
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(m.group(1) + "\n" + jmhTable(rows, files, runs) + "\n" + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
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
    static final java.util.regex.Pattern FOOTPRINT_TABLE = java.util.regex.Pattern.compile(
            "(<!-- footprint-table: (\\S+) -->\n)(.*?)(<!-- /footprint-table -->)", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern FOOTPRINT_ROW = java.util.regex.Pattern.compile(
            "^(\\S+)\\s+(.+?)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$");

    static String renderFootprintTables(String page, Path dir) throws IOException {
        java.util.regex.Matcher m = FOOTPRINT_TABLE.matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String file = m.group(2);
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    m.group(1) + "\n" + footprintTable(Files.readAllLines(dir.resolve(file)), file) + "\n" + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String footprintTable(List<String> lines, String file) throws IOException {
        StringBuilder sb = new StringBuilder("| stage | queue | empty | after a burst | full |\n|---|---|---:|---:|---:|\n");
        boolean inTable = false;
        int rows = 0;
        for (String line : lines) {
            if (line.startsWith("stage ") && line.contains("empty")) {
                inTable = true;
            } else if (inTable) {
                java.util.regex.Matcher r = FOOTPRINT_ROW.matcher(line.strip());
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
    static final java.util.regex.Pattern CHURN_TABLE = java.util.regex.Pattern.compile(
            "(<!-- churn-table: (\\S+) -->\n)(.*?)(<!-- /churn-table -->)", java.util.regex.Pattern.DOTALL);

    static String renderChurnTables(String page, Path dir) throws IOException {
        java.util.regex.Matcher m = CHURN_TABLE.matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String file = m.group(2);
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    m.group(1) + "\n" + churnTable(new ObjectMapper().readTree(dir.resolve(file).toFile()), file) + "\n" + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
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

    // ---- captions: which run a table comes from -------------------------------------------------

    /**
     * What a raw result records about the run that produced it: the command, the machine, the JDK
     * and the date, each "not recorded" where the result does not say. Every rendered table ends
     * with one caption line per raw file, written by {@link #caption}, the one method for all of them.
     */
    record Run(String command, String machine, String jdk, String date) {
    }

    static final String NOT_RECORDED = "not recorded";

    /** A caption line: {@code Run of [file](file): `command`; machine: ...; JDK: ...; date: ....} */
    static final java.util.regex.Pattern CAPTION = java.util.regex.Pattern.compile(
            "^Run of \\[([^\\]]+)\\]\\(\\1\\): `([^`]+)`; machine: (.+); JDK: (.+); date: (.+)\\.$", java.util.regex.Pattern.MULTILINE);

    static String caption(String file, Run run) {
        return "Run of [" + file + "](" + file + "): `" + run.command() + "`; machine: " + run.machine() + "; JDK: "
                + run.jdk() + "; date: " + run.date() + ".\n";
    }

    /** The run metadata beside a JMH JSON: {@code X.json}'s is {@code X-run.txt}, as {@link #runLog} writes it. */
    static Path runLogOf(Path json) {
        String name = json.getFileName().toString();
        return json.resolveSibling(name.replaceFirst("\\.json$", "") + "-run.txt");
    }

    /**
     * A JMH result's run: the JDK from the JSON itself (JMH records the forks' VM), the command,
     * machine and date from its run log. A run log that names another JDK than the JSON is an error:
     * the two files are not from the same run.
     */
    static Run jmhRun(Path json) throws IOException {
        TreeSet<String> jdks = new TreeSet<>();
        for (JsonNode n : new ObjectMapper().readTree(json.toFile())) {
            jdks.add(n.path("vmName").asText("?") + " " + n.path("vmVersion").asText("?"));
        }
        String jdk = jdks.isEmpty() ? NOT_RECORDED : String.join(" / ", jdks);
        Map<String, String> log = new LinkedHashMap<>();
        Path logFile = runLogOf(json);
        if (Files.exists(logFile)) {
            for (String line : Files.readAllLines(logFile)) {
                String[] kv = line.split("\\s+", 2);
                if (kv.length == 2 && !line.startsWith(" ") && !line.startsWith("#")) {
                    log.putIfAbsent(kv[0], kv[1].strip());
                }
            }
        }
        if (log.containsKey("java") && !log.get("java").equals(jdk)) {
            throw new IOException(logFile + " says java " + log.get("java") + ", " + json + " " + jdk + ": not the same run");
        }
        String cpus = log.get("cpus");
        String machine = cpus == null ? NOT_RECORDED : cpus.replaceFirst("^(\\d+)\\b", "$1 cores");
        return new Run(log.getOrDefault("command", NOT_RECORDED), machine, jdk, date(log.get("started")));
    }

    /** An ISO instant as its day and minute in UTC ("2026-11-27 20:16 UTC"); anything else as it is. */
    static String date(String iso) {
        if (iso == null || iso.isBlank()) {
            return NOT_RECORDED;
        }
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC).format(Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    /** ChurnMemory's run, from its JSON: its arguments give the command. */
    static Run churnRun(JsonNode run) {
        return new Run("./bench.sh churn " + run.get("cycles").asLong() + " " + run.get("liveUsers").asLong(),
                run.has("cores") ? run.get("cores").asInt() + " cores" : NOT_RECORDED,
                run.path("java").asText(NOT_RECORDED), date(run.path("date").asText(null)));
    }

    private static final java.util.regex.Pattern FOOTPRINT_VM = java.util.regex.Pattern.compile(
            "^# (.+ VM .+), (\\d+) cpus, .*$");
    private static final java.util.regex.Pattern FOOTPRINT_DATE = java.util.regex.Pattern.compile(
            "^# (\\d{4}-\\d\\d-\\d\\dT\\S+)$");

    /**
     * QueueFootprint's run, from its output: the first JDK's section (the one the table shows) gives
     * the date, the VM and the cores it printed; the header's command block, the command.
     */
    static Run footprintRun(List<String> lines) {
        String jdk = NOT_RECORDED;
        String machine = NOT_RECORDED;
        String date = NOT_RECORDED;
        StringBuilder command = new StringBuilder();
        boolean inCommand = false;
        for (String line : lines) {
            if (line.startsWith("# Command")) {
                inCommand = true;
                continue;
            }
            if (inCommand) {
                String c = line.replaceFirst("^#\\s*", "").strip();
                if (c.isEmpty()) {
                    inCommand = false;
                    continue;
                }
                // The last command of the block is the one that writes the output; the ones before build.
                if (command.length() > 0 && !command.toString().endsWith("\\")) {
                    command.setLength(0);
                }
                if (command.toString().endsWith("\\")) {
                    String joined = command.substring(0, command.length() - 1).strip();
                    command.setLength(0);
                    command.append(joined).append(' ');
                }
                command.append(c);
            }
            java.util.regex.Matcher vm = FOOTPRINT_VM.matcher(line);
            if (vm.matches() && jdk.equals(NOT_RECORDED)) {
                jdk = vm.group(1);
                machine = vm.group(2) + " cores";
            }
            java.util.regex.Matcher d = FOOTPRINT_DATE.matcher(line);
            if (d.matches() && date.equals(NOT_RECORDED)) {
                date = date(d.group(1));
            }
            if (line.startsWith("stage ") && line.contains("empty")) {
                break;
            }
        }
        return new Run(command.length() == 0 ? NOT_RECORDED : command.toString(), machine, jdk, date);
    }

    /** BENCHMARKS.md's block: the run's caption, then the tables; {@code link} is the JSON as the page links it. */
    static String compareBlock(Path json, String link) throws IOException {
        return caption(link, jmhRun(json)) + "\n" + read(json).tables();
    }

    /**
     * Every rendered block of a page (BENCHMARKS.md's compare block, jmh-table, churn-table,
     * footprint-table, jcstress-table) and the raw files it names: a block must carry one caption line per raw
     * file, the one {@link #caption} writes from that file. Returns what is missing or disagrees.
     */
    static List<String> captionProblems(String name, String page, Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        if (page.contains(BEGIN)) {
            String block = betweenMarkers(page);
            java.util.regex.Matcher c = CAPTION.matcher(block);
            String link = c.find() ? c.group(1) : null;
            if (link == null) {
                problems.add(name + ": the compare block has no caption line (Run of [...](...): ...)");
            } else {
                expectCaption(problems, name, "compare", block, link, jmhRun(dir.resolve(link)));
            }
        }
        java.util.regex.Matcher m = JMH_TABLE.matcher(page);
        while (m.find()) {
            for (String f : m.group(2).trim().split("\\s+")) {
                expectCaption(problems, name, "jmh-table", m.group(3), f, jmhRun(dir.resolve(f)));
            }
        }
        m = CHURN_TABLE.matcher(page);
        while (m.find()) {
            expectCaption(problems, name, "churn-table", m.group(3), m.group(2),
                    churnRun(new ObjectMapper().readTree(dir.resolve(m.group(2)).toFile())));
        }
        m = FOOTPRINT_TABLE.matcher(page);
        while (m.find()) {
            expectCaption(problems, name, "footprint-table", m.group(3), m.group(2),
                    footprintRun(Files.readAllLines(dir.resolve(m.group(2)))));
        }
        m = JcstressTable.MARKER.matcher(page);
        while (m.find()) {
            expectCaption(problems, name, "jcstress-table", m.group(3), m.group(2), JcstressTable.read(dir.resolve(m.group(2))).run());
        }
        return problems;
    }

    private static void expectCaption(List<String> problems, String page, String kind, String block, String file, Run run) {
        String expected = caption(file, run).strip();
        if (block.lines().noneMatch(expected::equals)) {
            boolean any = block.lines().anyMatch(l -> l.startsWith("Run of [" + file + "]"));
            problems.add(page + ": " + kind + " " + file + (any ? ": its caption disagrees with the raw file; expected: "
                    : ": no caption line; expected: ") + expected);
        }
    }

    /**
     * Every table and conclusion a page marks (JMH, footprint, churn, jcstress, jmh-conclusion),
     * rendered from the raw result its marker names.
     */
    static String renderPage(String page, Path dir) throws IOException {
        String tables = JcstressTable.render(renderChurnTables(renderFootprintTables(renderJmhTables(page, dir), dir), dir), dir);
        return BuildTime.render(Conclusions.render(tables, dir), dir);
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("--run-log")) {
            writeRunLog(args);
            return;
        }
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
        Report report = read(json);
        Files.createDirectories(charts);
        report.charts(charts);
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

    // ---- lookups -----------------------------------------------------------------------------

    private Row find(Predicate<Row> p) {
        return rows.stream().filter(p).findFirst().orElse(null);
    }

    Row table(String stage, String readPercent, int threads) {
        return find(r -> r.clazz().equals("AllStages_01_SessionTable") && r.param("stage").equals(stage)
                && r.param("readPercent").equals(readPercent) && r.threads() == threads);
    }

    private Row queue(String stage, String group) {
        return find(r -> r.clazz().equals("AllStages_02_SendQueue") && r.param("stage").equals(stage)
                && r.method().equals(group));
    }

    private Row counter(String method, int threads) {
        return find(r -> r.clazz().equals("Metrics_01_Counters") && r.method().equals(method) && r.threads() == threads);
    }

    private TreeSet<Integer> threadCounts(String clazz) {
        TreeSet<Integer> t = new TreeSet<>();
        rows.stream().filter(r -> r.clazz().equals(clazz)).forEach(r -> t.add(r.threads()));
        return t;
    }

    private List<String> readPercents() {
        return rows.stream().filter(r -> r.clazz().equals("AllStages_01_SessionTable"))
                .map(r -> r.param("readPercent")).distinct()
                .sorted((a, b) -> Integer.parseInt(b) - Integer.parseInt(a)).toList();
    }

    // ---- the rule: when is a difference a difference ------------------------------------------

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

    // ---- tables ------------------------------------------------------------------------------

    String tables() {
        StringBuilder md = new StringBuilder();
        md.append("Each result: score ± JMH's 99.9% interval. **n.r.** (not resolved): a result whose interval is ")
          .append("wider than its score (its numbers follow in brackets, and no ratio is taken from it), or a ratio ")
          .append("between two results whose 99.9% intervals or ranges of fork means overlap: such a ratio ranks ")
          .append("nothing. The limit (no synchronisation, primitive keys) is correct at one thread only, so it is ")
          .append("measured at 1 thread only; \"-\": not in this run.\n\n");
        predictions(md);
        targets(md);
        sessionTable(md);
        boxingSplit(md);
        sendQueue(md);
        counters(md);
        return md.toString();
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

    // ---- stage 3's targets ----------------------------------------------------------------------

    /*
     * Each target bounds the ratio of two times per operation. The ratio's range runs from the best
     * to the worst case the two 99.9% intervals allow; a target is met when even the worst case
     * meets it, missed when even the best case misses it, and not resolved otherwise: the rule every
     * other ratio here follows, applied to a bound instead of to another result.
     */
    private void targets(StringBuilder md) {
        md.append("### Stage 3's targets, checked against this run\n\n")
          .append("Each target bounds a ratio of two times per operation from this run. The range runs from the ")
          .append("best to the worst case the two 99.9% intervals allow: **met** when even the worst case is within ")
          .append("the bound, **missed** when even the best case is not, **n.r.** otherwise. A throughput target is ")
          .append("the same bound on time (10x the throughput = x0.10 the time per operation, at equal threads).\n\n")
          .append("| target | ratio of times | measured (range) | bound | verdict |\n|---|---|---:|---:|---|\n");
        target(md, "a re-login no slower than stage 1's, 1 thread", "stage 3 / stage 1, 0% reads, 1 thr",
                table("stage3", "0", 1), table("stage1", "0", 1), 1.0);
        for (String other : new String[] {"stage0", "stage1", "stage2"}) {
            target(md, "a re-login the fastest of the four, 2 threads", "stage 3 / " + other.replace("stage", "stage ")
                    + ", 0% reads, 2 thr", table("stage3", "0", 2), table(other, "0", 2), 1.0);
        }
        target(md, "95/5 mix, 2 threads: 10x stage 0's throughput (plan: 10-20x)", "stage 3 / stage 0, 95% reads, 2 thr",
                table("stage3", "95", 2), table("stage0", "95", 2), 0.1);
        target(md, "a read within 1.5x of the limit, 1 thread", "stage 3 / limit, 100% reads, 1 thr",
                table("stage3", "100", 1), table(LIMIT, "100", 1), 1.5);
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

    private void predictions(StringBuilder md) {
        md.append("### The plan's predictions beside the measurement\n\n")
          .append("Ratios to stage 0 from the same run. Time ratios: ×0.30 means 70% less time than stage 0. ")
          .append("Speed-ups: throughput over stage 0's at the same thread count (= stage 0's time per op / ")
          .append("the stage's, since each thread runs operations back to back). Last column: the limit's ")
          .append("time over stage 0's, where the limit ran.\n\n")
          .append("| prediction | workload | | stage 1 | stage 2 | stage 3 | limit |\n|---|---|---|---:|---:|---:|---:|\n");
        int maxT = threadCounts("AllStages_01_SessionTable").stream().mapToInt(i -> i).filter(t -> t <= 2).max().orElse(1);
        for (int t : threadCounts("AllStages_01_SessionTable")) {
            if (t > 2) {
                continue; // 4 threads on 2 cores: in the full tables, not used for the verdict
            }
            predictionRow(md, "read latency -70% / -60% / -90%", "100% reads, " + t + " thr", "100", t,
                    new String[] {"×0.30", "×0.40", "×0.10"}, true);
        }
        for (int t : threadCounts("AllStages_01_SessionTable")) {
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
            Row base = queue("stage0", g);
            md.append("| ring buffer: push latency -30..50% | send queue, ").append(g.equals("oneProducer") ? 1 : 3)
              .append(" producer(s), time per message | plan / measured | | | ×0.50-0.70 / ")
              .append(timeRatioOfRates(queue("stage3", g), base)).append(" | ")
              .append(timeRatioOfRates(queue(LIMIT, g), base)).append(" |\n");
        }
        for (int t : threadCounts("Metrics_01_Counters")) {
            Row sync = counter("synchronizedCounter", t);
            md.append("| atomic metrics: overhead -90% | counter increment, ").append(t).append(" thr")
              .append(" | plan / AtomicLong, LongAdder | ×0.10 / ").append(timeRatio(counter("atomicLong", t), sync))
              .append(", ").append(timeRatio(counter("longAdder", t), sync)).append(" | | | |\n");
        }
        md.append('\n');
    }

    private void predictionRow(StringBuilder md, String prediction, String workload, String readPercent, int t,
                               String[] plan, boolean time) {
        Row base = table("stage0", readPercent, t);
        md.append("| ").append(prediction).append(" | ").append(workload).append(" | plan / measured |");
        for (int s = 1; s < STAGES.length; s++) {
            Row r = table(STAGES[s], readPercent, t);
            md.append(' ').append(plan[s - 1]).append(" / ").append(time ? timeRatio(r, base) : speedup(base, r)).append(" |");
        }
        md.append(' ').append(t == 1 ? timeRatio(table(LIMIT, readPercent, t), base) : "1 thread only").append(" |\n");
    }

    private static String header(String column) {
        return switch (column) {
            case "stage3-boxed" -> "stage 3 boxed";
            case LIMIT -> LIMIT;
            default -> "stage " + column.substring(5);
        };
    }

    private void sessionTable(StringBuilder md) {
        Row any = find(r -> r.clazz().equals("AllStages_01_SessionTable"));
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
        for (String rp : readPercents()) {
            for (int t : threadCounts("AllStages_01_SessionTable")) {
                Row base = table("stage0", rp, t);
                Row limit = t == 1 ? table(LIMIT, rp, t) : null;
                md.append("| ").append(rp).append("% | ").append(t).append(t > 2 ? " (oversubscribed)" : "").append(" |");
                for (String s : TABLES) {
                    Row r = table(s, rp, t);
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
        if (find(r -> r.clazz().equals("AllStages_01_SessionTable")) == null) {
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
        for (int t : threadCounts("AllStages_01_SessionTable")) {
            Row base = table("stage0", "100", t);
            Row limit = t == 1 ? table(LIMIT, "100", t) : null;
            Row s1 = table("stage1", "100", t);
            Row boxed = table("stage3-boxed", "100", t);
            Row s3 = table("stage3", "100", t);
            md.append("| ").append(t).append(t > 2 ? " (oversubscribed)" : "").append(" | ")
              .append(timeCell(s1, base, limit)).append(" | ").append(timeCell(boxed, base, limit)).append(" | ")
              .append(timeCell(s3, base, limit)).append(" | ").append(timeRatio(boxed, s1)).append(" | ")
              .append(timeRatio(s3, boxed)).append(" | ").append(t == 1 ? cell(limit) : "1 thread only").append(" |\n");
        }
        md.append('\n');
    }

    private void sendQueue(StringBuilder md) {
        Row any = queue("stage0", "oneProducer");
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
            Row base = queue("stage0", g);
            Row limit = queue(LIMIT, g);
            md.append("| ").append(g.equals("oneProducer") ? "1" : "3 (oversubscribed)").append(" |");
            for (String s : QUEUES) {
                Row r = queue(s, g);
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
        Row any = counter("synchronizedCounter", 1);
        if (any == null) {
            return;
        }
        md.append("### Metrics counters: time per increment (").append(any.unit()).append(")\n\n")
          .append("No stages here, so no limit column: the ratio is to `synchronized`, the counter the plan replaces.\n\n")
          .append("| threads | synchronized | AtomicLong | LongAdder |\n|---:|---:|---:|---:|\n");
        for (int t : threadCounts("Metrics_01_Counters")) {
            Row sync = counter("synchronizedCounter", t);
            md.append("| ").append(t).append(t > 2 ? " (oversubscribed)" : "").append(" | ").append(cell(sync)).append(" | ")
              .append(cell(counter("atomicLong", t))).append(" (").append(timeRatio(counter("atomicLong", t), sync)).append(") | ")
              .append(cell(counter("longAdder", t))).append(" (").append(timeRatio(counter("longAdder", t), sync)).append(") |\n");
        }
        md.append('\n');
    }

    // ---- charts ------------------------------------------------------------------------------

    void charts(Path out) throws IOException {
        for (String rp : readPercents()) {
            XYChart chart = new XYChartBuilder().width(720).height(440)
                    .title("Session table, " + rp + "% reads: throughput vs threads (2 cores)")
                    .xAxisTitle("threads").yAxisTitle("million operations / s (all threads)").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            chart.getStyler().setXAxisDecimalPattern("0");
            for (String s : TABLES) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                List<Double> err = new ArrayList<>();
                for (int t : threadCounts("AllStages_01_SessionTable")) {
                    Row r = table(s, rp, t);
                    if (r != null) {
                        // t threads each taking `score` ns per operation: t * 1000 / score Mops/s.
                        double thr = t * 1000.0 / r.score();
                        x.add((double) t);
                        y.add(thr);
                        err.add(Double.isNaN(r.error()) ? 0 : thr * r.error() / r.score());
                    }
                }
                if (!x.isEmpty()) {
                    chart.addSeries(s, x, y, err);
                }
            }
            BitmapEncoder.saveBitmap(chart, out.resolve("session-table-r" + rp).toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        if (queue("stage0", "oneProducer") != null) {
            CategoryChart chart = new CategoryChartBuilder().width(720).height(440)
                    .title("Send queue: messages/us through one session's queue")
                    .xAxisTitle("producers").yAxisTitle("messages / us").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            for (String s : QUEUES) {
                if (queue(s, "oneProducer") == null) {
                    continue; // not in this run (an older JSON)
                }
                List<String> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                List<Double> err = new ArrayList<>();
                for (String g : new String[] {"oneProducer", "threeProducers"}) {
                    Row r = queue(s, g);
                    x.add(g.equals("oneProducer") ? "1" : "3");
                    y.add(r == null ? 0 : r.score());
                    err.add(r == null || Double.isNaN(r.error()) ? 0 : r.error());
                }
                chart.addSeries(s, x, y, err);
            }
            BitmapEncoder.saveBitmap(chart, out.resolve("send-queue").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        if (counter("synchronizedCounter", 1) != null) {
            XYChart chart = new XYChartBuilder().width(720).height(440)
                    .title("Metrics counter: time per increment vs threads (2 cores)")
                    .xAxisTitle("threads").yAxisTitle("ns per increment, per thread").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            chart.getStyler().setXAxisDecimalPattern("0");
            for (String m : new String[] {"synchronizedCounter", "atomicLong", "longAdder"}) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (int t : threadCounts("Metrics_01_Counters")) {
                    Row r = counter(m, t);
                    if (r != null) {
                        x.add((double) t);
                        y.add(r.score());
                    }
                }
                chart.addSeries(m, x, y);
            }
            BitmapEncoder.saveBitmap(chart, out.resolve("counters").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    // ---- run metadata ------------------------------------------------------------------------

    /** The 1-, 5- and 15-minute load averages, or "n/a" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /**
     * {@code --run-log <X.json> <command> <started> [load before]}: writes X-run.txt beside a JMH
     * JSON that a command other than {@code ./bench.sh all} produced (bench.sh's stage modes call it
     * after a run with {@code -rff}), so that its tables carry their caption.
     */
    private static void writeRunLog(String[] args) throws IOException {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: Report --run-log <X.json> <command> <started> [load before]");
        }
        Path json = Path.of(args[1]);
        List<String> loads = new ArrayList<>();
        if (args.length > 4) {
            loads.add("before: load " + args[4]);
        }
        loads.add("end " + loadAverage());
        Files.write(runLogOf(json), runLog(args[2], Instant.parse(args[3]), Instant.now(), "as the command says", loads),
                StandardCharsets.UTF_8);
        System.out.println("wrote " + runLogOf(json));
    }

    static List<String> runLog(String command, Instant start, Instant end, String shape, List<String> loads) {
        List<String> log = new ArrayList<>();
        log.add("command  " + command);
        log.add("started  " + start);
        log.add("finished " + end + " (" + Duration.between(start, end).toMinutes() + " min)");
        log.add("java     " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        log.add("cpus     " + Runtime.getRuntime().availableProcessors() + " (" + cpuModel() + ")");
        log.add("shape    " + shape);
        log.add("load average (1, 5, 15 min) before each part of the run:");
        loads.forEach(l -> log.add("  " + l));
        return log;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
