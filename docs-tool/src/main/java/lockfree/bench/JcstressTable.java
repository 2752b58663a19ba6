package lockfree.bench;

import lockfree.docs.Blocks;
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
 * One row per outcome the run lists, tests by name (class.variant): how many times jcstress ran the
 * test's actors, the outcome, its kind, what the test's {@code @Outcome} declares it means (read from
 * the test's source and the kit's class it extends, {@link OutcomeDescriptions}), and how often it
 * was seen; then the caption of the run ({@link Report#caption}).
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
    record Result(Captions.Run run, List<Test> tests) {
    }

    static Result read(Path file) throws IOException {
        return parse(Files.readAllLines(file), file.toString());
    }

    static Result parse(List<String> lines, String file) throws IOException {
        String command = Captions.NOT_RECORDED;
        String date = Captions.NOT_RECORDED;
        String jdk = Captions.NOT_RECORDED;
        String machine = Captions.NOT_RECORDED;
        Map<String, Test> tests = new LinkedHashMap<>();
        String name = null;
        String status = null;
        List<Outcome> outcomes = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m;
            if (name == null && command.equals(Captions.NOT_RECORDED) && (m = COMMAND.matcher(line)).matches()) {
                command = m.group(1).strip();
            } else if (name == null && date.equals(Captions.NOT_RECORDED) && (m = DATE_JDK.matcher(line)).matches()) {
                date = m.group(1).strip();
                jdk = m.group(2).strip();
            } else if (name == null && machine.equals(Captions.NOT_RECORDED) && (m = MACHINE.matcher(line)).matches()) {
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
        return new Result(new Captions.Run(command, machine, jdk, date), List.copyOf(tests.values()));
    }

    /**
     * Every jcstress block of a page, rendered from the raw file its marker names, with each
     * outcome's meaning read from its test's source under the page's {@code src/test/java}.
     */
    static String render(String page, Path dir) throws IOException {
        return Blocks.render(page, MARKER, m -> {
            Result result = read(dir.resolve(m.group(2)));
            return "\n" + table(result, m.group(2), meanings(result, dir.resolve("src/test/java"), dir.resolve(KIT))) + "\n";
        });
    }

    /**
     * Where the outcomes a stage's test inherits are declared, from the chapter's folder: the test
     * kit's sources (e.g. {@code OneUserRace.ReLoginOutcomes}).
     */
    static final String KIT = "../testkit/src/main/java";

    /**
     * Each recorded outcome's declared words, by test name and outcome id: read from the tests'
     * sources under {@code roots}, the tests' own root first, then where the classes they extend are.
     */
    static Map<String, Map<String, String>> meanings(Result result, Path... roots) throws IOException {
        Map<String, Map<String, String>> words = new LinkedHashMap<>();
        for (Test t : result.tests()) {
            List<OutcomeDescriptions.Declared> declared = OutcomeDescriptions.of(t.name(), roots);
            Map<String, String> byId = new LinkedHashMap<>();
            for (Outcome o : t.outcomes()) {
                byId.put(o.id(), OutcomeDescriptions.meaning(declared, o, t.name()));
            }
            words.put(t.name(), byId);
        }
        return words;
    }

    /**
     * One row per outcome the run lists (the test's name and runs on its first row): the outcome,
     * its kind, what the test declares it means, and how often this run saw it.
     */
    static String table(Result result, String file, Map<String, Map<String, String>> meanings) {
        StringBuilder sb = new StringBuilder("| test | runs | outcome | kind | what the test says it means | seen: count (share) |\n"
                + "|---|---:|---|---|---|---:|\n");
        // By name, so that a test's row keeps its place whichever of jcstress's sections lists it.
        for (Test t : result.tests().stream().sorted(java.util.Comparator.comparing(Test::name)).toList()) {
            boolean first = true;
            for (Outcome o : t.outcomes()) {
                String test = first ? "`" + t.shortName() + "`" + (t.status().equals("OK") ? "" : " **" + t.status() + "**") : "";
                sb.append("| ").append(test).append(" | ").append(first ? count(t.runs()) : "").append(" | `").append(o.id())
                        .append("` | ").append(kind(o.expect())).append(" | ")
                        .append(meanings.get(t.name()).get(o.id()).replace("|", "\\|")).append(" | ").append(seen(o)).append(" |\n");
                first = false;
            }
        }
        return sb.append("\nruns: how many times jcstress ran the test's actors against a fresh state. Each row an outcome the "
                        + "run lists, in the words of the test's own `@Outcome` declaration. Interesting: the outcome a broken "
                        + "variant is built to show. Forbidden: an outcome that must never occur; one seen fails `./jcstress.sh`. "
                        + "Rendered by `./bench.sh report`.\n\n")
                .append(Captions.caption(file, result.run())).toString();
    }

    private static String kind(Expect e) {
        return switch (e) {
            case ACCEPTABLE -> "acceptable";
            case INTERESTING -> "**interesting**";
            case FORBIDDEN -> "forbidden";
        };
    }

    /** "not seen", or the count and share; a forbidden outcome seen in bold capitals, an interesting one in bold. */
    static String seen(Outcome o) {
        if (o.samples() == 0) {
            return "not seen";
        }
        String n = count(o.samples()) + " (" + o.share() + ")";
        return switch (o.expect()) {
            case ACCEPTABLE -> n;
            case INTERESTING -> "**seen** " + n;
            case FORBIDDEN -> "**SEEN " + n + "**";
        };
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
