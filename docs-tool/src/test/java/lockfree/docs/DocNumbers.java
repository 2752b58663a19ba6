package lockfree.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers rule: a figure in a doc's prose comes from a rendered block or is a constant (of the
 * plan, of an RFC or a tool's documentation, or a setting of this project, each listed with its
 * source). A measured number has one source, a committed raw result rendered between markers
 * ({@code <!-- compare:begin -->}, {@code <!-- stress-table: ... -->}, ...); prose that quotes one
 * by hand drifts from it at the next run. This class finds the measured-looking figures of the
 * prose, the parts a renderer does not write.
 *
 * <p>Skipped, so never flagged: fenced code (a fence of output is read, see {@link #OUTPUT_FENCE}), HTML comments, rendered blocks (from a marker line
 * {@code <!-- NAME ... -->} to its closing {@code <!-- /NAME -->} or {@code <!-- NAME:end -->}),
 * inline code spans (commands and options, whose numbers are arguments) and link targets.
 * Flagged: a number followed by a unit of time, size, rate, a ratio or a percentage.
 */
final class DocNumbers {
    /** A number: "7", "7,017", "0.19"; never ending in its comma ("remove(1, s)" is an argument list, not "1 s"). */
    private static final String NUMBER = "\\d(?:[\\d,]*\\d)?(?:\\.\\d+)?";
    /** A number or a range: "0.19-0.21", "2 to 3". */
    private static final String AMOUNT = NUMBER + "(?:\\s?(?:-|–|to)\\s?" + NUMBER + ")?";
    /** What makes a number after it a measurement: a time, a size, a rate, a ratio, a share, a count of runs. */
    private static final String UNIT_AFTER = "ns|us|µs|ms|s|sec|seconds|KB|kB|MB|GB|B|bytes|msgs?/s|ops/s|ops/us|ns/op|/s"
            + "|x|×|%|times|-fold|fold|(?:(?:thousand|million|billion)\\s)?(?:runs|samples)";
    /** What makes a number before it a measurement: a ratio "×0.11", a machine's load "load average ~18". */
    private static final String UNIT_BEFORE = "×|[Ll]oad(?: average)?(?: of| was| is)?\\s?[~≈]?";
    /**
     * A measured-looking figure: an amount with a unit after it ("228 ns", "7,017 B", "0.2-0.4 ms",
     * "2.7 times", "86 million runs") or before it ("×0.11", "load average ~18"), or a score with its
     * interval ("228 ± 91.9"). Not after "stage ": "stage 1 runs the same test" names a stage.
     */
    static final Pattern FIGURE = Pattern.compile(
            "(?<![\\w.,/-])(?<![Ss]tage )" + AMOUNT + "\\s?(?:" + UNIT_AFTER + ")(?![\\w/])"
                    + "|(?<![\\w.])(?:" + UNIT_BEFORE + ")" + AMOUNT
                    + "|(?<![\\w.])" + NUMBER + "\\s?±\\s?" + NUMBER);
    /**
     * Fences whose lines are read like prose (except a transcript's {@code $ } command lines): no
     * language, {@code text}, {@code console}, {@code output}. That is where a tool's output gets
     * pasted, and pasted output is a measurement typed by hand like any other.
     */
    private static final java.util.Set<String> OUTPUT_FENCE = java.util.Set.of("", "text", "txt", "console", "output", "log");
    private static final Pattern OPEN = Pattern.compile("^<!-- ?([a-z][a-z-]*)(:begin|:| ).*-->\\s*$");
    /**
     * The blocks a renderer writes: the benchmarks' Report (compare, jmh-table, jmh-conclusion,
     * footprint-table, churn-table, jcstress-table, build-time), the stress tool's DocTables
     * (stress-*, redis-*) and the exercise runner's SaveToVerdict (save-to-verdict).
     * Only these are skipped: a block of another name is prose in a comment's clothing, and whatever
     * it says is read like the rest of the page.
     */
    static final java.util.Set<String> RENDERED_BLOCKS = java.util.Set.of("compare", "jmh-table", "jmh-conclusion",
            "footprint-table", "churn-table", "jcstress-table", "stress-table", "stress-summary", "stress-targets",
            "stress-profile", "stress-conclusion", "redis-publish", "redis-capacity", "build-time", "save-to-verdict");

    /** A figure found in prose, where, and the line it is on. */
    record Figure(String doc, int line, String figure, String text) {
        @Override
        public String toString() {
            return doc + ":" + line + ": \"" + figure + "\" in: " + text.strip();
        }
    }

    /** Where a constant comes from: nothing of it is measured here. */
    enum Source {
        /** The plan's predictions (DESIGN.md), quoted beside the measurement. */
        PLAN,
        /** An RFC, or the documented value of a tool the workshop uses (Redis, JMH, JCTools). */
        RFC,
        /** A value this project sets: an option's default, a benchmark's parameter, a run's configured length. */
        SETTING
    }

    /**
     * A figure that is a constant, not a measurement, allowed in the prose of the docs it names.
     * Per doc: a figure explained in one doc is not thereby allowed in another, where the same
     * characters may well be a measurement typed by hand.
     */
    record Constant(String figure, Source source, String what, List<String> docs) {
        Constant(String figure, Source source, String what, String... docs) {
            this(figure, source, what, List.of(docs));
        }

        boolean covers(Figure f) {
            return figure.equals(f.figure()) && docs.contains(f.doc());
        }
    }

    private DocNumbers() {
    }

    /** Every measured-looking figure in the docs' prose that is not a constant named for its doc. */
    static List<Figure> unexplained(Map<String, List<String>> docs, List<Constant> constants) {
        List<Figure> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> doc : docs.entrySet()) {
            for (Figure f : figures(doc.getKey(), doc.getValue())) {
                boolean ok = constants.stream().anyMatch(c -> c.covers(f));
                if (!ok) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** The line that closes the rendered block {@code block} opened above {@code from}, or -1. */
    private static int closes(List<String> lines, int from, String block) {
        for (int j = from; j < lines.size(); j++) {
            String t = lines.get(j).strip();
            if (t.equals("<!-- /" + block + " -->") || t.equals("<!-- " + block + ":end -->")) {
                return j;
            }
        }
        return -1;
    }

    /**
     * Which lines belong to a rendered block, its marker and closing lines included: the renderer
     * writes them, so they are neither prose nor instructions. A block opens only outside a fence,
     * and only a renderer's marker ({@link #RENDERED_BLOCKS}) with its closing line opens one (a stray
     * comment must not hide the rest of a page, nor a made-up block name hide what it wraps).
     */
    static boolean[] renderedLines(List<String> lines) {
        boolean[] rendered = new boolean[lines.size()];
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher open = OPEN.matcher(t);
            int close = fenced || !open.matches() || !RENDERED_BLOCKS.contains(open.group(1)) ? -1
                    : closes(lines, i + 1, open.group(1));
            if (close >= 0) {
                java.util.Arrays.fill(rendered, i, close + 1, true);
                i = close;
            }
        }
        return rendered;
    }

    /** The measured-looking figures in one doc's prose. */
    static List<Figure> figures(String doc, List<String> lines) {
        List<Figure> out = new ArrayList<>();
        boolean[] rendered = renderedLines(lines);
        boolean fenced = false;
        boolean output = false;
        boolean comment = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String t = line.strip();
            if (rendered[i]) {
                continue;
            }
            if (t.startsWith("```")) {
                fenced = !fenced;
                output = fenced && OUTPUT_FENCE.contains(t.substring(3).strip().toLowerCase(java.util.Locale.ROOT));
                continue;
            }
            if (fenced && (!output || t.startsWith("$ "))) {
                continue; // code and commands: their numbers are arguments; a transcript's other lines are output
            }
            String prose = line;
            if (comment) {
                int end = prose.indexOf("-->");
                if (end < 0) {
                    continue;
                }
                prose = prose.substring(end + 3);
                comment = false;
            }
            prose = prose.replaceAll("<!--.*?-->", " ");
            int start = prose.indexOf("<!--");
            if (start >= 0) {
                prose = prose.substring(0, start);
                comment = true;
            }
            prose = prose.replaceAll("`[^`]*`", " ").replaceAll("\\]\\([^)]*\\)", "] ");
            Matcher m = FIGURE.matcher(prose);
            while (m.find()) {
                out.add(new Figure(doc, i + 1, m.group().strip(), line));
            }
        }
        return out;
    }
}
