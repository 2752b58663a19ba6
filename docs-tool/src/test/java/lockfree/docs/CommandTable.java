package lockfree.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that says how each documented command the build does not run is covered: the
 * module's {@code commands.txt}, a section {@code [doc]} per doc and a line per command,
 * {@code COMMAND | CI runs `FORM`} or {@code COMMAND | not run: REASON}. A COMMAND ending in
 * {@code " ..."} is a prefix: it covers every command of its doc that starts with it.
 */
final class CommandTable {
    /** How a command is covered when the build does not run it. */
    enum Kind { NOT_RUN, CI }

    /** One line of the table: where it is ({@code file:line}), its doc, the command or prefix, and its class. */
    record Entry(String where, String doc, String command, boolean prefix, Kind kind, String ciForm, String reason) {
        /** How closely it covers the command: an exact line beats any prefix, a longer prefix a shorter one; -1: not at all. */
        int match(DocCommands.Command c) {
            if (!c.doc().equals(doc)) {
                return -1;
            }
            if (!prefix) {
                return c.key().equals(command) ? Integer.MAX_VALUE : -1;
            }
            return c.key().startsWith(command) ? command.length() : -1;
        }
    }

    /** The table's lines and what it could not read. */
    record Table(List<Entry> entries, List<String> problems) {}

    private static final Pattern SECTION = Pattern.compile("^\\[(.+)]$");
    private static final Pattern LINE = Pattern.compile("^(.+?) \\| (?:CI runs `(?<form>[^`]+)`|not run:\\s*(?<reason>.*))$");

    private CommandTable() {
    }

    /** Reads the table; {@code name} is how a problem names the file. */
    static Table parse(String name, List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String doc = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String where = name + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                doc = s.group(1);
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (doc == null || !m.matches()) {
                problems.add(where + ": not understood (" + (doc == null ? "no [doc] above it" : "COMMAND | CI runs `FORM`, or "
                        + "COMMAND | not run: REASON") + "): " + line);
                continue;
            }
            String command = DocCommands.normalize(m.group(1));
            boolean prefix = command.endsWith(" ...");
            if (prefix) {
                command = command.substring(0, command.length() - 4);
            }
            Kind kind = m.group("form") != null ? Kind.CI : Kind.NOT_RUN;
            String reason = m.group("reason") == null ? "" : m.group("reason").strip();
            entries.add(new Entry(where, doc, command, prefix, kind, m.group("form"), reason));
        }
        return new Table(List.copyOf(entries), problems);
    }

    /** The entries that cover the command most closely: none, one, or (a mistake) several. */
    static List<Entry> covering(List<Entry> entries, DocCommands.Command c) {
        int best = entries.stream().mapToInt(e -> e.match(c)).max().orElse(-1);
        return best < 0 ? List.of() : entries.stream().filter(e -> e.match(c) == best).toList();
    }
}
