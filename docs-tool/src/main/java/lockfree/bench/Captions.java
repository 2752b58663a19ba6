package lockfree.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which run a rendered table comes from: each raw result's command, machine, JDK and date, read
 * from the result itself (and, for a JMH JSON, the run log {@link RunLog} wrote beside it), and
 * the caption line every rendered block ends with; {@link #problems} finds a block whose caption
 * is missing or disagrees with its raw file.
 */
final class Captions {
    private Captions() {
    }

    /**
     * What a raw result records about the run that produced it: the command, the machine, the JDK
     * and the date, each "not recorded" where the result does not say. Every rendered table ends
     * with one caption line per raw file, written by {@link #caption}, the one method for all of them.
     */
    record Run(String command, String machine, String jdk, String date) {
    }

    static final String NOT_RECORDED = "not recorded";

    /** A caption line: {@code Run of [file](file): `command`; machine: ...; JDK: ...; date: ....} */
    static final Pattern CAPTION = Pattern.compile(
            "^Run of \\[([^\\]]+)\\]\\(\\1\\): `([^`]+)`; machine: (.+); JDK: (.+); date: (.+)\\.$", Pattern.MULTILINE);

    static String caption(String file, Run run) {
        return "Run of [" + file + "](" + file + "): `" + run.command() + "`; machine: " + run.machine() + "; JDK: "
                + run.jdk() + "; date: " + run.date() + ".\n";
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
        Path logFile = RunLog.runLogOf(json);
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

    private static final Pattern FOOTPRINT_VM = Pattern.compile(
            "^# (.+ VM .+), (\\d+) cpus, .*$");
    private static final Pattern FOOTPRINT_DATE = Pattern.compile(
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
            Matcher vm = FOOTPRINT_VM.matcher(line);
            if (vm.matches() && jdk.equals(NOT_RECORDED)) {
                jdk = vm.group(1);
                machine = vm.group(2) + " cores";
            }
            Matcher d = FOOTPRINT_DATE.matcher(line);
            if (d.matches() && date.equals(NOT_RECORDED)) {
                date = date(d.group(1));
            }
            if (line.startsWith("stage ") && line.contains("empty")) {
                break;
            }
        }
        return new Run(command.length() == 0 ? NOT_RECORDED : command.toString(), machine, jdk, date);
    }

    /**
     * Every rendered block of a page (BENCHMARKS.md's compare block, jmh-table, churn-table,
     * footprint-table, jcstress-table) and the raw files it names: a block must carry one caption line per raw
     * file, the one {@link #caption} writes from that file. Returns what is missing or disagrees.
     */
    static List<String> problems(String name, String page, Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        if (page.contains(Report.BEGIN)) {
            String block = Report.betweenMarkers(page);
            Matcher c = CAPTION.matcher(block);
            String link = c.find() ? c.group(1) : null;
            if (link == null) {
                problems.add(name + ": the compare block has no caption line (Run of [...](...): ...)");
            } else {
                expectCaption(problems, name, "compare", block, link, jmhRun(dir.resolve(link)));
            }
        }
        Matcher m = RawTables.JMH_TABLE.matcher(page);
        while (m.find()) {
            for (String f : m.group(2).trim().split("\\s+")) {
                expectCaption(problems, name, "jmh-table", m.group(3), f, jmhRun(dir.resolve(f)));
            }
        }
        m = RawTables.CHURN_TABLE.matcher(page);
        while (m.find()) {
            expectCaption(problems, name, "churn-table", m.group(3), m.group(2),
                    churnRun(new ObjectMapper().readTree(dir.resolve(m.group(2)).toFile())));
        }
        m = RawTables.FOOTPRINT_TABLE.matcher(page);
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
}
