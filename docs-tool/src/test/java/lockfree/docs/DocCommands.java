package lockfree.docs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands a Markdown doc tells its reader to run, and the check that each one is run by the
 * build, run by CI in a named smoke form, or marked as not run with a reason.
 *
 * <p>A command is a line of a shell fence ({@code sh}, {@code bash}, {@code shell}, {@code zsh})
 * that is not blank and not a comment, with its backslash continuations joined, a {@code $ } prompt
 * and a trailing {@code # comment} dropped; in any other fence ({@code console}, {@code text}, none),
 * only a line that starts with a {@code $ } prompt (a transcript: the other lines are output). A
 * command is also an inline code span of the prose that starts like one ({@link #INLINE_COMMAND}:
 * {@code `./bench.sh stage0`}, {@code `java -jar ...`}; not in rendered blocks): it is covered when
 * it is the same as a fenced command of any doc (one source, classified there), and otherwise
 * classified like a fenced one, by the table or by marker lines right above its paragraph. Each command gets exactly one of three classes:
 * <ul>
 *   <li><b>run here</b>: the test's table of {@link RunHere} entries names it; the test runs it from
 *       the repository root (bash, stdin closed, a deadline) and it must exit 0. A compare command
 *       ({@code diff ...}, {@code ./diff-stages.sh ...}) may exit 1 ("they differ") but must print
 *       at least one changed line: a diff that only says "Only in" compared nothing.</li>
 *   <li><b>run by CI</b>: a marker line right above its fence,
 *       {@code <!-- CI runs `FORM` -->}, where FORM occurs in a command line of {@code .ci/run}.</li>
 *   <li><b>not run</b>: a marker line right above its fence,
 *       {@code <!-- not run by CI: REASON -->}, with a reason of two words or more.</li>
 * </ul>
 * A marker covers every command of its block that the table does not name, or, with
 * {@code for `PREFIX`, `PREFIX`} after its kind, only the commands that start with one of them:
 * {@code <!-- not run by CI for `./bench.sh flame`: minutes of profiling -->} (when two limited
 * markers match, the longer prefix wins). Markers are HTML
 * comments, one per line, with nothing between the last one and the fence; a reader of the
 * rendered page does not see them. A marker that covers nothing, a table entry that matches no
 * command and a marker-like comment above no fence are problems too, so the classification cannot
 * outlive the commands it was written for.
 */
final class DocCommands {
    private DocCommands() {}

    /** A command a doc tells its reader to run. {@code text} is what the shell gets; {@code key} is
     *  the same with runs of white space made one space, what markers and the table match. */
    record Command(String doc, int line, String text, String key, boolean inline) {
        String where() {
            return doc + ":" + line;
        }
    }

    enum Kind { NOT_RUN, CI }

    /** One marker line: its kind, the CI form or the reason, and the prefixes it is limited to (none: the whole block). */
    record Marker(String doc, int line, Kind kind, String ciForm, List<String> prefixes, String reason) {
        /** The length of the longest of its prefixes the command starts with; -1 if none. */
        int match(Command c) {
            return prefixes.stream().filter(c.key()::startsWith).mapToInt(String::length).max().orElse(-1);
        }
    }

    /** A documented command the build runs: the doc's text, what runs (the same unless the doc has
     *  placeholders or needs an environment variable), extra environment, and for a server, the
     *  path that must answer 200 (null: a command that ends by itself). */
    record RunHere(String command, String shell, Map<String, String> env, String serves) {
        static RunHere of(String command) {
            return new RunHere(normalize(command), command, Map.of(), null);
        }

        RunHere as(String shell) {
            return new RunHere(command, shell, env, serves);
        }

        RunHere env(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(env);
            more.put(name, value);
            return new RunHere(command, shell, Map.copyOf(more), serves);
        }

        /**
         * A command that starts a server and serves until stopped: it passes when, within the
         * deadline, it prints {@code listening  http://HOST:PORT} and {@code GET http://HOST:PORT<path>}
         * answers 200; then it is stopped, its whole process tree.
         */
        RunHere serving(String path) {
            return new RunHere(command, shell, env, path);
        }
    }

    /** A parsed doc: its commands with the markers that sit above each one's block, and parse problems. */
    record Parsed(List<Command> commands, Map<Command, List<Marker>> markers, List<Marker> allMarkers, List<String> problems) {}

    // Any indentation: a fence inside a list item is indented too.
    private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,}|~{3,})\\s*([^\\s`]*).*$");
    private static final Set<String> SHELL = Set.of("sh", "bash", "shell", "zsh");
    private static final Pattern MARKER_LIKE = Pattern.compile("^\\s*<!--.*(not run by CI|CI runs).*-->\\s*$");
    private static final Pattern MARKER = Pattern.compile(
            "^\\s*<!--\\s*(?:(?<notrun>not run by CI)|CI runs `(?<form>[^`]+)`)"
                    + "(?:\\s+for\\s+(?<prefixes>`[^`]+`(?:\\s*,\\s*`[^`]+`)*))?"
                    + "\\s*(?::\\s*(?<reason>.*?))?\\s*-->\\s*$");
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
        Map<Command, List<Marker>> markersOf = new LinkedHashMap<>();
        List<Marker> all = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<Integer> usedMarkerLines = new LinkedHashSet<>();
        boolean[] fenced = new boolean[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String fence = open.group(1);
            boolean shell = SHELL.contains(open.group(2).toLowerCase());
            List<Marker> markers = new ArrayList<>();
            for (int m = i - 1; m >= 0 && MARKER_LIKE.matcher(lines.get(m)).matches(); m--) {
                usedMarkerLines.add(m);
                Marker marker = marker(doc, m + 1, lines.get(m), problems);
                if (marker != null) {
                    markers.add(0, marker);
                }
            }
            all.addAll(markers);
            int end = i + 1;
            while (end < lines.size() && !closes(lines.get(end), fence)) {
                end++;
            }
            java.util.Arrays.fill(fenced, i, Math.min(end + 1, lines.size()), true);
            for (Command c : commands(doc, lines, i + 1, end, shell)) {
                commands.add(c);
                markersOf.put(c, markers);
            }
            i = end;
        }
        inlineCommands(doc, lines, fenced, usedMarkerLines, commands, markersOf, all, problems);
        for (int i = 0; i < lines.size(); i++) {
            if (MARKER_LIKE.matcher(lines.get(i)).matches() && !usedMarkerLines.contains(i)) {
                problems.add(doc + ":" + (i + 1) + ": marker above no fenced block or paragraph"
                        + " (put it on the line right above the ``` or the paragraph's first line)");
            }
        }
        return new Parsed(commands, markersOf, all, problems);
    }

    /**
     * The commands given inline, in the prose's code spans (outside fences, HTML comments and
     * rendered blocks). Marker lines right above a paragraph classify its inline commands, as
     * marker lines above a fence classify the fence's.
     */
    private static void inlineCommands(String doc, List<String> lines, boolean[] fenced, Set<Integer> usedMarkerLines,
                                       List<Command> commands, Map<Command, List<Marker>> markersOf, List<Marker> all,
                                       List<String> problems) {
        boolean[] rendered = DocNumbers.renderedLines(lines);
        List<Marker> paragraph = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (fenced[i] || rendered[i] || line.isBlank()) {
                paragraph = new ArrayList<>();
                continue;
            }
            if (MARKER_LIKE.matcher(line).matches()) {
                if (usedMarkerLines.contains(i)) {
                    continue;
                }
                int next = i + 1;
                while (next < lines.size() && MARKER_LIKE.matcher(lines.get(next)).matches()) {
                    next++;
                }
                // Only above a paragraph's first line: a marker followed by a blank line or the end stays unused.
                if (next < lines.size() && !lines.get(next).isBlank() && !fenced[next] && !rendered[next]) {
                    usedMarkerLines.add(i);
                    Marker marker = marker(doc, i + 1, line, problems);
                    if (marker != null) {
                        paragraph.add(marker);
                        all.add(marker);
                    }
                }
                continue;
            }
            Matcher span = BACKTICKED.matcher(line.replaceAll("<!--.*?-->", " "));
            while (span.find()) {
                String text = span.group(1).strip();
                if (INLINE_COMMAND.matcher(text).matches()) {
                    Command c = new Command(doc, i + 1, text, normalize(text), true);
                    commands.add(c);
                    markersOf.put(c, List.copyOf(paragraph));
                }
            }
        }
    }

    private static boolean closes(String line, String fence) {
        String s = line.strip();
        return s.startsWith(fence) && s.chars().allMatch(ch -> ch == fence.charAt(0));
    }

    private static Marker marker(String doc, int line, String text, List<String> problems) {
        Matcher m = MARKER.matcher(text);
        if (!m.matches()) {
            problems.add(doc + ":" + line + ": marker not understood: " + text.strip()
                    + " (forms: <!-- not run by CI: reason -->, <!-- CI runs `form` -->, either with for `prefix`, ...)");
            return null;
        }
        List<String> prefixes = new ArrayList<>();
        if (m.group("prefixes") != null) {
            Matcher b = BACKTICKED.matcher(m.group("prefixes"));
            while (b.find()) {
                prefixes.add(normalize(b.group(1)));
            }
        }
        String reason = m.group("reason") == null ? "" : m.group("reason").strip();
        Kind kind = m.group("notrun") != null ? Kind.NOT_RUN : Kind.CI;
        return new Marker(doc, line, kind, m.group("form"), List.copyOf(prefixes), reason);
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

    /** A command whose output is a comparison: it must show at least one changed line. */
    static boolean isCompare(String key) {
        String first = key.split(" ", 2)[0];
        return first.equals("diff") || first.endsWith("diff-stages.sh");
    }

    private static final Pattern CHANGED_LINE = Pattern.compile(
            "(?m)^(?:[<>] |[-+](?![-+]{2} )|.*\\s[|<>](?:\\s|$))");

    /** Whether a diff's output shows a difference: a changed line in normal, unified or side-by-side form. */
    static boolean showsADifference(String output) {
        return output.lines().anyMatch(l -> !l.startsWith("Only in ") && CHANGED_LINE.matcher(l).lookingAt());
    }

    /** The lines of a CI script that run something (comments and echo lines do not). */
    static List<String> ciCommandLines(String ciScript) {
        return ciScript.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("echo "))
                .map(DocCommands::normalize).toList();
    }

    /**
     * Every problem with the docs' commands: unclassified, wrongly marked, failing, comparing
     * nothing, or a classification that names no command. Runs the run-here commands from
     * {@code root}, each within {@code timeout}.
     */
    static List<String> check(Map<String, List<String>> docs, List<RunHere> table, String ciScript, Path root, Duration timeout) {
        List<String> problems = new ArrayList<>();
        Map<String, RunHere> byCommand = new LinkedHashMap<>();
        for (RunHere r : table) {
            byCommand.put(r.command(), r);
        }
        Set<String> tableUsed = new LinkedHashSet<>();
        Set<Marker> markersUsed = new LinkedHashSet<>();
        Map<String, Command> toRun = new LinkedHashMap<>();
        List<Marker> allMarkers = new ArrayList<>();
        List<Parsed> parsedDocs = new ArrayList<>();
        Set<String> fencedKeys = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> doc : docs.entrySet()) {
            Parsed parsed = parse(doc.getKey(), doc.getValue());
            parsedDocs.add(parsed);
            parsed.commands().stream().filter(c -> !c.inline()).forEach(c -> fencedKeys.add(c.key()));
        }
        for (Parsed parsed : parsedDocs) {
            problems.addAll(parsed.problems());
            allMarkers.addAll(parsed.allMarkers());
            for (Command c : parsed.commands()) {
                if (byCommand.containsKey(c.key())) {
                    tableUsed.add(c.key());
                    toRun.putIfAbsent(c.key(), c);
                    continue;
                }
                List<Marker> markers = parsed.markers().get(c);
                // The most specific marker wins: `./jcstress.sh stage0 long` over `./jcstress.sh stage0`.
                int best = markers.stream().mapToInt(m -> m.match(c)).max().orElse(-1);
                List<Marker> limited = best < 0 ? List.of() : markers.stream().filter(m -> m.match(c) == best).toList();
                List<Marker> blanket = markers.stream().filter(m -> m.prefixes().isEmpty()).toList();
                List<Marker> applying = limited.isEmpty() ? blanket : limited;
                if (applying.isEmpty() && c.inline() && fencedKeys.contains(c.key())) {
                    continue; // one source: the same command in a fence, classified there
                }
                if (applying.isEmpty() && c.inline()) {
                    problems.add(c.where() + ": unclassified inline command: " + c.key()
                            + " (give it as a fenced command spells it, or run or mark it)");
                } else if (applying.isEmpty()) {
                    problems.add(c.where() + ": unclassified command: " + c.key());
                } else if (applying.size() > 1) {
                    problems.add(c.where() + ": " + applying.size() + " markers claim the command: " + c.key());
                } else {
                    markersUsed.add(applying.get(0));
                }
            }
        }
        List<String> ci = ciCommandLines(ciScript);
        for (Marker m : allMarkers) {
            String where = m.doc() + ":" + m.line();
            if (!markersUsed.contains(m)) {
                problems.add(where + ": marker covers no command of its block (stale, or every command is run here)");
            }
            if (m.kind() == Kind.NOT_RUN && m.reason().split("\\s+").length < 2) {
                problems.add(where + ": not run by CI without a reason: say why, in two words or more");
            }
            if (m.kind() == Kind.CI && ci.stream().noneMatch(l -> l.contains(normalize(m.ciForm())))) {
                problems.add(where + ": CI form not in .ci/run: " + m.ciForm());
            }
        }
        for (RunHere r : table) {
            if (!tableUsed.contains(r.command())) {
                problems.add("run-here entry matches no documented command (stale): " + r.command());
            }
        }
        for (Command c : toRun.values()) {
            String failure = run(byCommand.get(c.key()), root, timeout);
            if (failure != null) {
                problems.add(c.where() + ": " + RAN + failure + ": " + c.key());
            }
        }
        return problems;
    }

    /** How a problem of a command that was run (not of its classification) begins. */
    static final String RAN = "ran it here and it ";

    /** What a server prints once it listens: the base URL its health path is asked at. */
    static final Pattern LISTENING = Pattern.compile("listening\\s+(http://[^\\s/]+)");

    /**
     * Starts a serving command, waits for it to print where it listens, asks that address for the
     * entry's path, and stops it: SIGTERM to the whole tree (bash, the build, the server), then a
     * kill for whatever is still alive after a grace period. Null when the path answered 200.
     */
    static String serve(RunHere r, Path root, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Process p = null;
        StringBuffer output = new StringBuffer();
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", r.shell()).directory(root.toFile())
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(r.env());
            p = pb.start();
            // The output is read on its own thread: it must be drained for as long as the server
            // writes (a full pipe would block it), and the line that says where it listens
            // completes the future the test waits on.
            java.util.concurrent.CompletableFuture<String> listening = new java.util.concurrent.CompletableFuture<>();
            Process proc = p;
            Thread reader = new Thread(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        output.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            listening.complete(m.group(1));
                        }
                    }
                } catch (IOException e) {
                    listening.completeExceptionally(e);
                }
                listening.complete(null); // the output ended without the line
            }, "doc-command-output");
            reader.setDaemon(true);
            reader.start();
            String base;
            try {
                base = listening.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return "printed no 'listening http://...' line within " + timeout.toSeconds() + " s\n" + output;
            } catch (java.util.concurrent.ExecutionException e) {
                return "its output could not be read: " + e.getCause();
            }
            if (base == null) {
                p.waitFor(5, TimeUnit.SECONDS);
                return "ended " + (p.isAlive() ? "its output" : "with exit " + p.exitValue())
                        + " without printing where it listens\n" + output;
            }
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5)).build();
            java.net.http.HttpResponse<String> answer;
            try {
                answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + r.serves()))
                        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return "said it listens on " + base + ", but GET " + r.serves() + " failed: " + e + "\n" + output;
            }
            if (answer.statusCode() != 200) {
                return "GET " + base + r.serves() + " answered " + answer.statusCode() + ": " + answer.body() + "\n" + output;
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (p != null) {
                stopTree(p);
            }
        }
    }

    /** SIGTERM to a process and all its descendants (a server flushes and exits), SIGKILL to what is left after 10 s. */
    static void stopTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(0, graceEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                h.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                h.destroyForcibly();
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Runs one command; null when it did what it should, otherwise what went wrong (with its output). */
    static String run(RunHere r, Path root, Duration timeout) {
        if (r.serves() != null) {
            return serve(r, root, timeout);
        }
        try {
            File out = Files.createTempFile("doc-command", ".txt").toFile();
            try {
                ProcessBuilder pb = new ProcessBuilder("bash", "-c", r.shell()).directory(root.toFile())
                        .redirectErrorStream(true).redirectOutput(out)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                pb.environment().putAll(r.env());
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                    return "did not end within " + timeout.toSeconds() + " s (too slow to run here?)";
                }
                String output = Files.readString(out.toPath(), StandardCharsets.UTF_8);
                int exit = p.exitValue();
                if (isCompare(r.command())) {
                    if (exit != 0 && exit != 1) {
                        return "failed with exit " + exit + "\n" + output;
                    }
                    if (!showsADifference(output)) {
                        return "compares nothing (no changed line in its output)\n" + output;
                    }
                    return null;
                }
                return exit == 0 ? null : "failed with exit " + exit + "\n" + output;
            } finally {
                Files.deleteIfExists(out.toPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
