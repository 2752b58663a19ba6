package lockfree.exercises.runner;

import java.util.List;
import java.util.Locale;

/**
 * Turns verdicts into what the learner reads: which test failed, what it said, where in their code,
 * and which command shows the hint. Colour only on a terminal, and never when {@code NO_COLOR} is set.
 */
public final class Report {
    /** Failures shown in full; the rest are listed by name. */
    static final int DETAILED_FAILURES = 3;
    /** Lines of one failure message shown unless {@code --full}: Lincheck's traces run to hundreds. */
    static final int MESSAGE_LINES = 30;

    private final String command;
    private final boolean color;
    private final boolean full;

    /**
     * @param command how the learner starts the runner, e.g. {@code ./exercises.sh}, used in advice
     * @param color   ANSI colours
     * @param full    whole messages and stack traces instead of the first lines
     */
    public Report(String command, boolean color, boolean full) {
        this.command = command;
        this.color = color;
        this.full = full;
    }

    public String command() {
        return command;
    }

    /** The verdict of one check, ending with the next step to take. */
    public String verdict(Exercise ex, Verdict verdict) {
        StringBuilder sb = new StringBuilder();
        if (verdict instanceof Verdict.CompileFailed cf) {
            sb.append(red("✗ " + ex.name() + " does not compile")).append(dim("   (compile " + seconds(cf.compileNanos()) + ")")).append('\n');
            for (String error : cf.errors()) {
                sb.append('\n').append(indent(error, "  ")).append('\n');
            }
            sb.append('\n').append("  Stuck? ").append(bold(command + " hint " + ex.number())).append('\n');
            return sb.toString();
        }
        Verdict.Tested t = (Verdict.Tested) verdict;
        String timing = dim("   (compile " + seconds(t.compileNanos()) + ", tests " + seconds(t.testNanos()) + ")");
        if (t.passed()) {
            sb.append(green("✓ " + ex.name() + ": all " + t.tests() + " tests pass")).append(timing).append('\n');
            return sb.toString();
        }
        if (t.tests() == 0 && t.failures().isEmpty()) {
            sb.append(red("✗ " + ex.name() + ": no test ran")).append(timing).append('\n');
            return sb.toString();
        }
        List<String> todo = t.failures().stream().map(Verdict.Failure::message)
                .filter(m -> m.startsWith(Checker.NOT_IMPLEMENTED)).distinct().toList();
        if (!full && !todo.isEmpty() && todo.size() == t.failures().stream().map(Verdict.Failure::message).distinct().count()) {
            // Only the stub's TODOs failed: one line, not a test report.
            sb.append(red("✗ " + ex.name() + ": " + Checker.NOT_IMPLEMENTED + String.join(", ",
                    todo.stream().map(m -> m.substring(Checker.NOT_IMPLEMENTED.length())).toList()))).append(timing).append('\n');
            sb.append("  Stuck? ").append(bold(command + " hint " + ex.number())).append('\n');
            return sb.toString();
        }
        int failedTests = t.tests() - t.passedCount();
        String count = failedTests > 0 ? failedTests + " of " + t.tests() + " tests fail" : "a test class failed before its tests ran";
        sb.append(red("✗ " + ex.name() + ": " + count)).append(timing).append('\n');
        List<Verdict.Failure> failures = t.failures();
        int shown = full ? failures.size() : Math.min(DETAILED_FAILURES, failures.size());
        for (int i = 0; i < shown; i++) {
            Verdict.Failure f = failures.get(i);
            sb.append('\n').append("  ").append(i + 1).append(") ").append(bold(f.testClass() + (f.test() == null ? "" : " > " + f.test()))).append('\n');
            sb.append(indent(limit(f.message()), "     ")).append('\n');
            if (full && !f.stackTrace().isEmpty()) {
                sb.append(indent(f.stackTrace().strip(), "     ")).append('\n');
            } else if (!f.location().isEmpty()) {
                sb.append(dim("     at " + f.location())).append('\n');
            }
        }
        if (shown < failures.size()) {
            sb.append('\n').append("  ...and ").append(failures.size() - shown).append(" more:").append('\n');
            for (Verdict.Failure f : failures.subList(shown, failures.size())) {
                sb.append("     ").append(f.testClass()).append(f.test() == null ? "" : " > " + f.test()).append('\n');
            }
        }
        sb.append('\n').append("  Stuck? ").append(bold(command + " hint " + ex.number()));
        if (!full) {
            sb.append("   Whole messages: ").append(bold(command + " run " + ex.number() + " --full"));
        }
        sb.append('\n');
        return sb.toString();
    }

    /** The list: one line per exercise with its state, the current one marked. */
    public String list(Manifest manifest, State state, String current) {
        StringBuilder sb = new StringBuilder();
        String lastStage = null;
        for (Exercise ex : manifest.exercises()) {
            if (!ex.stage().equals(lastStage)) {
                sb.append(dim(ex.stage())).append('\n');
                lastStage = ex.stage();
            }
            boolean done = state.isDone(ex.name());
            String mark = done ? green("✓ done   ") : "  pending";
            String pointer = ex.name().equals(current) ? bold("▶ ") : "  ";
            sb.append(pointer).append(mark).append("  ").append(String.format(Locale.ROOT, "%-24s", ex.name())).append(' ').append(ex.title()).append('\n');
        }
        long done = manifest.exercises().stream().filter(e -> state.isDone(e.name())).count();
        sb.append('\n').append(progress((int) done, manifest.exercises().size())).append('\n');
        return sb.toString();
    }

    /** A progress bar: {@code [#####-----] 5/10}. */
    public String progress(int done, int total) {
        int width = 30;
        int filled = total == 0 ? 0 : done * width / total;
        return "Progress: [" + green("#".repeat(filled)) + "-".repeat(width - filled) + "] " + done + "/" + total;
    }

    /** The heading shown when an exercise starts: what to build, why, which file to edit. */
    public String intro(Manifest manifest, Exercise ex, Workspace ws) {
        StringBuilder sb = new StringBuilder();
        sb.append(bold("Exercise " + manifest.position(ex) + "/" + manifest.exercises().size() + ": " + ex.name()))
                .append(dim("  (" + ex.stage() + ")")).append('\n');
        sb.append(ex.title()).append('\n');
        if (!ex.about().isEmpty()) {
            sb.append('\n').append(indent(ex.about(), "  ")).append('\n');
        }
        sb.append('\n');
        for (String stub : ex.stub()) {
            sb.append("  edit: ").append(bold(ws.display(ws.file(stub)))).append('\n');
        }
        return sb.toString();
    }

    /** What each level of a hint gives. */
    private static final List<String> HINT_LEVELS = List.of("a nudge", "the idea", "the shape of the code");

    /** Level {@code level} (1-based) of the exercise's hint, and what asking again gives. */
    public String hint(Exercise ex, int level) {
        int levels = ex.hints().size();
        String what = level <= HINT_LEVELS.size() ? " (" + HINT_LEVELS.get(level - 1) + ")" : "";
        StringBuilder sb = new StringBuilder();
        sb.append(bold("Hint " + level + " of " + levels + " for " + ex.name() + what)).append("\n\n");
        sb.append(indent(ex.hints().get(level - 1), "  ")).append("\n\n");
        if (level < levels) {
            sb.append(dim("  Still stuck? " + command + " hint " + ex.number() + " again gives the next one.")).append('\n');
        } else {
            sb.append(dim("  That was the last hint. The reference solution is shown once your code passes: "
                    + command + " solution " + ex.number() + ".")).append('\n');
        }
        return sb.toString();
    }

    /** {@code 1234567890} ns -> {@code 1.2 s}; under a second in ms. */
    static String seconds(long nanos) {
        double ms = nanos / 1e6;
        return ms < 1000 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }

    /**
     * A test method's name in words: {@code reloginReturnsTheDisplacedSession()} -> {@code relogin
     * returns the displaced session}. Other display names are returned as they are.
     */
    static String words(String displayName) {
        if (!displayName.matches("[a-z][A-Za-z0-9]*\\(\\)")) {
            return displayName;
        }
        String name = displayName.substring(0, displayName.length() - 2);
        StringBuilder sb = new StringBuilder();
        // Split before an upper-case letter that follows a lower-case one or a digit
        // (putReturns), and between an acronym and the word after it (CASLoop -> CAS Loop).
        for (String token : name.split("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-zA-Z])(?=[0-9])")) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            boolean acronym = token.length() > 1 && token.chars().allMatch(Character::isUpperCase);
            sb.append(acronym ? token : token.toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    private String limit(String message) {
        if (full) {
            return message;
        }
        String[] lines = message.split("\n", -1);
        if (lines.length <= MESSAGE_LINES) {
            return message;
        }
        return String.join("\n", java.util.Arrays.copyOf(lines, MESSAGE_LINES))
                + "\n" + dim("... " + (lines.length - MESSAGE_LINES) + " more lines (--full shows them)");
    }

    static String indent(String text, String prefix) {
        return prefix + text.replace("\n", "\n" + prefix);
    }

    String green(String s) {
        return paint("32", s);
    }

    String red(String s) {
        return paint("31", s);
    }

    String bold(String s) {
        return paint("1", s);
    }

    String dim(String s) {
        return paint("2", s);
    }

    private String paint(String code, String s) {
        return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
