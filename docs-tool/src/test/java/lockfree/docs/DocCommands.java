package lockfree.docs;

import lockfree.docs.CommandRunner.RunHere;
import lockfree.docs.CommandTable.Entry;
import lockfree.docs.CommandTable.Kind;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands a Markdown doc tells its reader to run, and the check that each one is run by the
 * build ({@link RunHere}), run by CI in a named smoke form, or listed as not run with a reason (both
 * in the module's {@code commands.txt}, {@link CommandTable}).
 *
 * <p>A command is a line of a shell fence ({@code sh}, {@code bash}, {@code shell}, {@code zsh})
 * that is not blank and not a comment, with its backslash continuations joined, a {@code $ } prompt
 * and a trailing {@code # comment} dropped; in any other fence ({@code console}, {@code text}, none),
 * only a line that starts with a {@code $ } prompt (a transcript: the other lines are output). A
 * command is also an inline code span of the prose that starts like one ({@link #INLINE_COMMAND}:
 * {@code `./bench.sh stage0`}, {@code `java -jar ...`}; not in rendered blocks): it is covered when
 * it is the same as a fenced command of any doc (one source, classified there), and otherwise
 * classified like a fenced one. A table line that covers no command, a run-here entry that matches
 * none, and a classification written into a doc as an HTML comment are problems too, so the
 * classification stays in one place and cannot outlive the commands it was written for.
 */
final class DocCommands {
    private DocCommands() {}

    /** A command a doc tells its reader to run. {@code text} is what the shell gets; {@code key} is
     *  the same with runs of white space made one space, what the tables match. */
    record Command(String doc, int line, String text, String key, boolean inline) {
        String where() {
            return doc + ":" + line;
        }
    }

    /** A parsed doc: its commands, and its problems. */
    record Parsed(List<Command> commands, List<String> problems) {}

    // Any indentation: a fence inside a list item is indented too.
    private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,}|~{3,})\\s*([^\\s`]*).*$");
    private static final Set<String> SHELL = Set.of("sh", "bash", "shell", "zsh");
    /** A classification written into the doc instead of the table. */
    private static final Pattern CLASSIFYING_COMMENT = Pattern.compile("<!--[^>]*(not run by CI|CI runs)[^>]*-->");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
    /**
     * An inline code span that is a command a reader could type: the project's scripts
     * ({@code ./bench.sh ...}, {@code ./mvnw ...}), {@code java -jar/-cp}, and the tools the docs
     * send a reader to, optionally after {@code NAME=value} assignments ({@code USERS=400 ./stress.sh}).
     */
    static final Pattern INLINE_COMMAND = Pattern.compile(
            "^(?:[A-Z_][A-Z0-9_]*=\\S*\\s+)*(?:\\./[\\w.-]+|java\\s+-(?:jar|cp)\\s|mvn\\s|diff\\s|curl\\s|redis-cli\\s"
                    + "|redis-server\\s|npx\\s|apt-get\\s|jcmd\\s).*");

    static String normalize(String command) {
        return command.strip().replaceAll("\\s+", " ");
    }

    static Parsed parse(String doc, List<String> lines) {
        List<Command> commands = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean[] fenced = new boolean[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            if (CLASSIFYING_COMMENT.matcher(lines.get(i)).find()) {
                problems.add(doc + ":" + (i + 1) + ": a classification in the doc; it belongs in docs-tool/commands.txt");
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String fence = open.group(1);
            boolean shell = SHELL.contains(open.group(2).toLowerCase());
            int end = i + 1;
            while (end < lines.size() && !closes(lines.get(end), fence)) {
                end++;
            }
            java.util.Arrays.fill(fenced, i, Math.min(end + 1, lines.size()), true);
            commands.addAll(commands(doc, lines, i + 1, end, shell));
            i = end;
        }
        commands.addAll(inlineCommands(doc, lines, fenced));
        return new Parsed(commands, problems);
    }

    /** The commands given inline, in the prose's code spans (outside fences, HTML comments and rendered blocks). */
    private static List<Command> inlineCommands(String doc, List<String> lines, boolean[] fenced) {
        boolean[] rendered = DocNumbers.renderedLines(lines);
        List<Command> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (fenced[i] || rendered[i]) {
                continue;
            }
            Matcher span = BACKTICKED.matcher(lines.get(i).replaceAll("<!--.*?-->", " "));
            while (span.find()) {
                String text = span.group(1).strip();
                if (INLINE_COMMAND.matcher(text).matches()) {
                    out.add(new Command(doc, i + 1, text, normalize(text), true));
                }
            }
        }
        return out;
    }

    private static boolean closes(String line, String fence) {
        String s = line.strip();
        return s.startsWith(fence) && s.chars().allMatch(ch -> ch == fence.charAt(0));
    }

    private static List<Command> commands(String doc, List<String> lines, int from, int to, boolean shell) {
        List<Command> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int first = i;
            String line = lines.get(i).strip();
            boolean prompt = line.startsWith("$ ");
            if (!shell && !prompt) {
                continue;
            }
            StringBuilder text = new StringBuilder(prompt ? line.substring(2) : line);
            while (text.toString().endsWith("\\") && i + 1 < to) {
                text.setLength(text.length() - 1);
                text.append(' ').append(lines.get(++i).strip());
            }
            String command = withoutComment(text.toString()).strip();
            if (!command.isEmpty()) {
                out.add(new Command(doc, first + 1, command, normalize(command), false));
            }
        }
        return out;
    }

    /** The line up to a {@code #} that starts a shell comment: after white space, outside quotes. */
    static String withoutComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** The lines of a CI script that run something (comments and echo lines do not). */
    static List<String> ciCommandLines(String ciScript) {
        return ciScript.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("echo "))
                .map(DocCommands::normalize).toList();
    }

    /**
     * Every problem with the docs' commands: unclassified, wrongly classified, failing, comparing
     * nothing, or a classification that names no command. Runs the run-here commands from
     * {@code root}, each within {@code timeout}.
     */
    static List<String> check(Map<String, List<String>> docs, List<RunHere> runHere, CommandTable.Table table,
                              String ciScript, Path root, Duration timeout) {
        List<String> problems = new ArrayList<>(table.problems());
        Map<String, RunHere> byCommand = new LinkedHashMap<>();
        for (RunHere r : runHere) {
            byCommand.put(r.command(), r);
        }
        Set<String> runHereUsed = new LinkedHashSet<>();
        Set<Entry> entriesUsed = new LinkedHashSet<>();
        Map<String, Command> toRun = new LinkedHashMap<>();
        List<Parsed> parsedDocs = new ArrayList<>();
        Set<String> fencedKeys = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> doc : docs.entrySet()) {
            Parsed parsed = parse(doc.getKey(), doc.getValue());
            parsedDocs.add(parsed);
            parsed.commands().stream().filter(c -> !c.inline()).forEach(c -> fencedKeys.add(c.key()));
        }
        for (Parsed parsed : parsedDocs) {
            problems.addAll(parsed.problems());
            for (Command c : parsed.commands()) {
                if (byCommand.containsKey(c.key())) {
                    runHereUsed.add(c.key());
                    toRun.putIfAbsent(c.key(), c);
                    continue;
                }
                List<Entry> covering = CommandTable.covering(table.entries(), c);
                if (covering.isEmpty() && c.inline() && fencedKeys.contains(c.key())) {
                    continue; // one source: the same command in a fence, classified there
                }
                if (covering.isEmpty()) {
                    problems.add(c.where() + ": unclassified " + (c.inline() ? "inline " : "") + "command: " + c.key());
                } else if (covering.size() > 1) {
                    problems.add(c.where() + ": " + covering.size() + " lines of the table claim the command: " + c.key());
                    entriesUsed.addAll(covering);
                } else {
                    entriesUsed.add(covering.get(0));
                }
            }
        }
        List<String> ci = ciCommandLines(ciScript);
        for (Entry e : table.entries()) {
            if (!entriesUsed.contains(e)) {
                problems.add(e.where() + ": covers no command of " + e.doc() + " (stale, or the build runs it): " + e.command());
            }
            if (e.kind() == Kind.NOT_RUN && e.reason().split("\\s+").length < 2) {
                problems.add(e.where() + ": not run without a reason: say why, in two words or more");
            }
            if (e.kind() == Kind.CI && ci.stream().noneMatch(l -> l.contains(normalize(e.ciForm())))) {
                problems.add(e.where() + ": CI form not in .ci/run: " + e.ciForm());
            }
        }
        for (RunHere r : runHere) {
            if (!runHereUsed.contains(r.command())) {
                problems.add("run-here entry matches no documented command (stale): " + r.command());
            }
        }
        for (Command c : toRun.values()) {
            String failure = CommandRunner.run(byCommand.get(c.key()), root, timeout);
            if (failure != null) {
                problems.add(c.where() + ": " + CommandRunner.RAN + failure + ": " + c.key());
            }
        }
        return problems;
    }
}
