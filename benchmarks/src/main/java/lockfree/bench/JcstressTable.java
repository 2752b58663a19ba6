package lockfree.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a jcstress run saw, rendered from its committed raw output (path relative to the page):
 * {@code <!-- jcstress-table: docs/jcstress-ci.txt -->} ... {@code <!-- /jcstress-table -->}.
 * One row per test (class.variant, by name): how many times jcstress ran its actors, each outcome that
 * occurred with its count and share, whether the broken variant's INTERESTING outcome was seen,
 * and whether a FORBIDDEN one was; then the caption of the run ({@link Report#caption}).
 *
 * <p>The raw file is what {@code jcstress.sh} writes into {@code target/jcstress/summary.txt},
 * or one stage's part of it ({@code RECORD=1 ./jcstress.sh ...} writes each stage's part into
 * {@code stageN/docs/jcstress-<mode>.txt}): a header that names the command, the date and JDK,
 * the machine and its load average, then jcstress's own summary, where each test is a line
 * {@code .......... [OK] lockfree.stage0.jcstress.Test.Variant} followed by its outcome table
 * ({@code RESULT SAMPLES FREQ EXPECT DESCRIPTION}). Everything else in the file is ignored; a
 * line inside an outcome table that is not an outcome is an error, so no outcome is dropped.
 *
 * <p>Nothing here judges the run: the prose around the table says what each variant is built to
 * show, the table says what this run saw. A re-run on another machine re-renders with
 * {@code ./bench.sh report}, and {@code BenchmarksDocTest} fails while a page disagrees with its file.
 */
final class JcstressTable {
    static final Pattern MARKER = Pattern.compile(
            "(<!-- jcstress-table: (\\S+) -->\n)(.*?)(<!-- /jcstress-table -->)", Pattern.DOTALL);

    private static final Pattern TEST = Pattern.compile("^\\.{3,} \\[(\\w+)] (\\S+)$");
    private static final Pattern TABLE_HEADER = Pattern.compile("^\\s*RESULT\\s+SAMPLES\\s+FREQ\\s+EXPECT\\s+DESCRIPTION\\s*$");
    /* "  1, 1, 2        4   <0.01%  Interesting  Both saw A: ...": the share's % ends the id and the count. */
    private static final Pattern OUTCOME = Pattern.compile(
            "^\\s*(.+?)\\s+([\\d,]+)\\s+([<>]?[\\d.]+%)\\s+(Acceptable|Interesting|Forbidden)\\s*(.*)$");
    private static final Pattern COMMAND = Pattern.compile("^jcstress run: (.+)$");
    private static final Pattern DATE_JDK = Pattern.compile("^date: (.+?); JDK: (.+)$");
    private static final Pattern MACHINE = Pattern.compile("^machine: (.+?)(?: \\(shared with other jobs\\))?$");

    private JcstressTable() {
    }

    enum Expect { ACCEPTABLE, INTERESTING, FORBIDDEN }

    /** One row of a test's outcome table. */
    record Outcome(String id, long samples, String share, Expect expect, String description) {
    }

    /** One test (class.variant): its status in the summary ([OK], [FAILED], [ERROR]) and its outcomes. */
    record Test(String name, String status, List<Outcome> outcomes) {
        /** The name without its package: {@code Stage0_01_ConditionalRemove.RealManager}. */
        String shortName() {
            int j = name.indexOf(".jcstress.");
            return j < 0 ? name : name.substring(j + ".jcstress.".length());
        }

        long runs() {
            return outcomes.stream().mapToLong(Outcome::samples).sum();
        }

        boolean declares(Expect e) {
            return outcomes.stream().anyMatch(o -> o.expect() == e);
        }

        long seen(Expect e) {
            return outcomes.stream().filter(o -> o.expect() == e).mapToLong(Outcome::samples).sum();
        }
    }

    /** A raw file: the run it records and its tests, in the file's order. */
    record Result(Report.Run run, List<Test> tests) {
    }

    static Result read(Path file) throws IOException {
        return parse(Files.readAllLines(file), file.toString());
    }

    static Result parse(List<String> lines, String file) throws IOException {
        String command = Report.NOT_RECORDED;
        String date = Report.NOT_RECORDED;
        String jdk = Report.NOT_RECORDED;
        String machine = Report.NOT_RECORDED;
        Map<String, Test> tests = new LinkedHashMap<>();
        String name = null;
        String status = null;
        List<Outcome> outcomes = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m;
            if (name == null && command.equals(Report.NOT_RECORDED) && (m = COMMAND.matcher(line)).matches()) {
                command = m.group(1).strip();
            } else if (name == null && date.equals(Report.NOT_RECORDED) && (m = DATE_JDK.matcher(line)).matches()) {
                date = m.group(1).strip();
                jdk = m.group(2).strip();
            } else if (name == null && machine.equals(Report.NOT_RECORDED) && (m = MACHINE.matcher(line)).matches()) {
                // Older files say "(shared with other jobs)" after the load: a judgement, not a record.
                machine = m.group(1).strip();
            } else if ((m = TEST.matcher(line)).matches()) {
                name = m.group(2);
                status = m.group(1);
                outcomes = null;
            } else if (name != null && outcomes == null && TABLE_HEADER.matcher(line).matches()) {
                outcomes = new ArrayList<>();
                int j = i + 1;
                for (; j < lines.size() && !lines.get(j).isBlank(); j++) {
                    Matcher o = OUTCOME.matcher(lines.get(j));
                    if (!o.matches()) {
                        throw new IOException(file + ":" + (j + 1) + ": not an outcome row of " + name + ": " + lines.get(j));
                    }
                    outcomes.add(new Outcome(o.group(1).strip(), Long.parseLong(o.group(2).replace(",", "")), o.group(3),
                            Expect.valueOf(o.group(4).toUpperCase(Locale.ROOT)), o.group(5).strip()));
                }
                if (outcomes.isEmpty()) {
                    throw new IOException(file + ":" + (i + 1) + ": " + name + " has an empty outcome table");
                }
                Test t = new Test(name, status, List.copyOf(outcomes));
                Test before = tests.putIfAbsent(name, t);
                if (before != null && !before.equals(t)) {
                    throw new IOException(file + ": " + name + " appears twice with different outcomes");
                }
                i = j - 1;
                name = null;
            }
        }
        if (name != null) {
            throw new IOException(file + ": " + name + " has no outcome table");
        }
        if (tests.isEmpty()) {
            throw new IOException(file + " holds no jcstress test result");
        }
        return new Result(new Report.Run(command, machine, jdk, date), List.copyOf(tests.values()));
    }

    /** Every jcstress block of a page, rendered from the raw file its marker names. */
    static String render(String page, Path dir) throws IOException {
        Matcher m = MARKER.matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String file = m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(
                    m.group(1) + "\n" + table(read(dir.resolve(file)), file) + "\n" + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String table(Result result, String file) {
        StringBuilder sb = new StringBuilder("| test | runs | outcomes seen: count (share) | interesting | forbidden |\n"
                + "|---|---:|---|---|---|\n");
        // By name, so that a test's row keeps its place whichever of jcstress's sections lists it.
        for (Test t : result.tests().stream().sorted(java.util.Comparator.comparing(Test::name)).toList()) {
            sb.append("| `").append(t.shortName()).append('`').append(t.status().equals("OK") ? "" : " **" + t.status() + "**")
                    .append(" | ").append(count(t.runs())).append(" | ").append(seenOutcomes(t)).append(" | ")
                    .append(verdict(t, Expect.INTERESTING)).append(" | ").append(verdict(t, Expect.FORBIDDEN)).append(" |\n");
        }
        return sb.append("\nruns: how many times jcstress ran the test's actors against a fresh state. Outcomes seen: each "
                        + "result that occurred, acceptable unless marked. Interesting: the outcome a broken variant is "
                        + "built to show, \"-\" where the test declares none. Forbidden: an outcome that must never occur; "
                        + "jcstress lists any it sees, and one fails `./jcstress.sh`. Rendered by `./bench.sh report`.\n\n")
                .append(Report.caption(file, result.run())).toString();
    }

    private static String seenOutcomes(Test t) {
        List<String> seen = new ArrayList<>();
        for (Outcome o : t.outcomes()) {
            if (o.samples() > 0) {
                seen.add("`" + o.id() + "` " + count(o.samples()) + " (" + o.share()
                        + (o.expect() == Expect.ACCEPTABLE ? "" : ", " + o.expect().name().toLowerCase(Locale.ROOT)) + ")");
            }
        }
        return seen.isEmpty() ? "none" : String.join("; ", seen);
    }

    /** Interesting: "seen N" or "not seen" ("-" if none declared); forbidden: "not seen" or, in bold, "SEEN N". */
    static String verdict(Test t, Expect e) {
        long n = t.seen(e);
        if (e == Expect.INTERESTING) {
            return !t.declares(e) ? "-" : n > 0 ? "**seen** " + count(n) : "not seen";
        }
        return n > 0 ? "**SEEN " + count(n) + "**" : "not seen";
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
