package lockfree.exercises.runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The exercise runner, in the spirit of rustlings: {@code ./exercises.sh} watches the current
 * exercise and re-runs its tests whenever its file is saved; the other commands list, run, hint,
 * jump, reset and show solutions. {@link #usage()} lists them.
 *
 * <p>Everything runs in this one JVM ({@link Checker}); progress is kept in {@link State}.
 */
public final class Workshop {
    /** How long watch mode waits for an editor to finish writing (several events per save) before it runs. */
    private static final long SETTLE_MILLIS = 120;

    private final Workspace ws;
    private final Manifest manifest;
    private final Report report;
    private final BufferedReader in;
    private final PrintStream out;
    private Checker checker;

    public Workshop(Workspace ws, Report report, BufferedReader in, PrintStream out) {
        this.ws = ws;
        this.manifest = ws.manifest();
        this.report = report;
        this.in = in;
        this.out = out;
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean full = rest.remove("--full");
        boolean noColor = rest.remove("--no-color") || System.getenv("NO_COLOR") != null || System.console() == null;
        String command = System.getProperty("workshop.command", "./exercises.sh");
        Path root = Path.of(System.getProperty("workshop.root", ".")).toAbsolutePath().normalize();
        Workspace ws = new Workspace(root);
        if (!Files.exists(ws.manifestFile())) {
            System.err.println("No exercises/exercises.toml under " + root + ": start the runner from the repository root with " + command);
            System.exit(2);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int code = new Workshop(ws, new Report(command, !noColor, full), in, System.out).run(rest);
        System.exit(code);
    }

    /** Runs one command; returns the process exit code (0 ok, 1 failed check or refused, 2 usage). */
    public int run(List<String> args) {
        String cmd = args.isEmpty() ? "watch" : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        try {
            switch (cmd) {
                case "watch":
                    return watch(rest.isEmpty() ? current() : find(rest.get(0)));
                case "list":
                    out.print(report.list(manifest, state(), current().name()));
                    return 0;
                case "run":
                    return runOnce(rest.isEmpty() ? current() : find(rest.get(0))) ? 0 : 1;
                case "hint":
                    out.print(nextHint(rest.isEmpty() ? current() : find(rest.get(0))));
                    return 0;
                case "time":
                    return time(rest);
                case "go":
                    if (rest.isEmpty()) {
                        throw new Usage("go needs an exercise, e.g. " + report.command() + " go 3");
                    }
                    return go(find(rest.get(0)));
                case "next":
                    return next(current());
                case "reset":
                    return reset(rest);
                case "check-all":
                    return checkAll();
                case "solution":
                    return solution(rest.isEmpty() ? current() : find(rest.get(0)));
                case "prove":
                    return prove(rest);
                case "help":
                case "--help":
                case "-h":
                    out.print(usage());
                    return 0;
                default:
                    throw new Usage("unknown command '" + cmd + "'");
            }
        } catch (Usage u) {
            out.println(u.getMessage());
            out.println();
            out.print(usage());
            return 2;
        }
    }

    String usage() {
        String c = report.command();
        return """
                Usage: %1$s [command]

                  %1$s                  watch the current exercise: re-run its tests on every save
                  %1$s list             all exercises, done or pending, and where you are
                  %1$s run [EX]         run the current exercise (or EX) once; --full for whole messages
                  %1$s hint [EX]        the next hint for the current exercise (or EX): a nudge, then
                                      the idea, then the shape of the code; never the solution
                  %1$s go EX            jump to EX and make it the current exercise
                  %1$s next             move on once the current exercise passes
                  %1$s reset EX         put EX's stub back as it was handed out (asks first)
                  %1$s reset --all      the same for every exercise
                  %1$s check-all        run every exercise, update what is done; slow (every test of
                                      all 11, minutes rather than seconds): it prints how long it took
                  %1$s solution [EX]    the reference solution, once EX passes
                  %1$s prove [EX]       for maintainers: every stub fails, every solution passes,
                                      every wrong solution in exercises/mutants is rejected
                                      (--mutants: only the wrong solutions, as CI runs it);
                                      minutes, and it prints how long it took
                  %1$s time [EX]        for maintainers: measure each quick check's save-to-verdict on
                                      this machine, write exercises/docs/save-to-verdict.json and
                                      render it into exercises/README.md (--render: only render)
                  %1$s help             this list

                EX is a number (3), a name (ex03_atomic_map_ops) or part of one (atomic).
                """.formatted(c);
    }

    // ---- commands -------------------------------------------------------------------------

    private boolean runOnce(Exercise ex) {
        out.print(report.intro(manifest, ex, ws));
        out.println();
        Verdict v = checkAndShow(ex, 0);
        recordVerdict(ex, v);
        if (v.passed()) {
            out.println(afterPass(ex));
        }
        return v.passed();
    }

    private int go(Exercise ex) {
        State s = state();
        s.current(ex.name());
        s.save(ws.stateFile());
        out.println("Current exercise: " + ex.name() + " - " + ex.title());
        out.println("Start it with " + report.command() + " (watch mode) or " + report.command() + " run");
        return 0;
    }

    private int next(Exercise ex) {
        if (!state().isDone(ex.name())) {
            out.println(ex.name() + " has not passed yet. Run it with " + report.command() + " run, or skip ahead with "
                    + report.command() + " go EX.");
            return 1;
        }
        Optional<Exercise> next = manifest.after(ex);
        if (next.isEmpty()) {
            out.println("That was the last exercise. " + report.command() + " list shows what is left.");
            return 0;
        }
        return go(next.get());
    }

    private int reset(List<String> args) {
        boolean yes = args.contains("--yes") || args.contains("-y");
        List<String> names = args.stream().filter(a -> !a.startsWith("-")).toList();
        boolean all = args.contains("--all");
        if (!all && names.isEmpty()) {
            throw new Usage("reset needs an exercise or --all, e.g. " + report.command() + " reset 3");
        }
        List<Exercise> targets = all ? manifest.exercises() : List.of(find(names.get(0)));
        // Read every stub first, so a missing git fails before anything is overwritten.
        Map<Path, String> restore = new HashMap<>();
        for (Exercise ex : targets) {
            for (String stub : ex.stub()) {
                Optional<String> text = ws.pristineStub(stub);
                if (text.isEmpty()) {
                    out.println("Cannot reset " + ex.name() + ": git does not know " + ws.display(ws.file(stub))
                            + " (is this a git checkout, with git installed?)");
                    return 1;
                }
                restore.put(ws.file(stub), text.get());
            }
        }
        List<Path> changed = restore.entrySet().stream()
                .filter(e -> !Files.exists(e.getKey()) || !Workspace.read(e.getKey()).equals(e.getValue()))
                .map(Map.Entry::getKey).sorted().toList();
        if (changed.isEmpty()) {
            out.println("Nothing to reset: " + (all ? "every stub is" : "the stub is") + " as handed out.");
            return 0;
        }
        out.println("This puts back the stub and throws away your work in:");
        changed.forEach(p -> out.println("  " + ws.display(p)));
        if (!yes && !confirm("Reset? [y/N] ")) {
            out.println("Nothing changed.");
            return 1;
        }
        for (Path p : changed) {
            try {
                Files.writeString(p, restore.get(p), StandardCharsets.UTF_8);
            } catch (IOException e) {
                out.println("Cannot write " + ws.display(p) + ": " + e.getMessage());
                return 1;
            }
        }
        State s = state();
        targets.forEach(ex -> s.record(ex.name(), false));
        s.save(ws.stateFile());
        out.println("Reset " + changed.size() + " file(s).");
        return 0;
    }

    private boolean confirm(String question) {
        out.print(question);
        out.flush();
        try {
            String answer = in.readLine();
            return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
        } catch (IOException e) {
            return false;
        }
    }

    private int checkAll() {
        long start = System.nanoTime();
        int passed = 0;
        for (Exercise ex : manifest.exercises()) {
            Verdict v = check(ex);
            if (v.passed() && !ex.thorough().isEmpty()) {
                v = checker().checkThorough(ex, ws.learnerSources(ex), ws.testSources(ex));
            }
            recordVerdict(ex, v);
            String line = String.format(Locale.ROOT, "%-24s %s", ex.name(), v.passed() ? report.green("✓ passes") : report.red("✗ " + shortly(v)));
            out.println(line);
            if (v.passed()) {
                passed++;
            }
        }
        out.println();
        out.println(report.progress(passed, manifest.exercises().size()));
        printElapsed("check-all", start);
        return passed == manifest.exercises().size() ? 0 : 1;
    }

    private static String shortly(Verdict v) {
        if (v instanceof Verdict.CompileFailed) {
            return "does not compile";
        }
        Verdict.Tested t = (Verdict.Tested) v;
        return (t.tests() - t.passedCount()) + " of " + t.tests() + " tests fail";
    }

    private int solution(Exercise ex) {
        if (!state().isDone(ex.name())) {
            out.println("The reference solution of " + ex.name() + " is shown once your code passes its tests.");
            out.println("Run it with " + report.command() + " run " + ex.number() + "; stuck? " + report.command() + " hint " + ex.number());
            return 1;
        }
        for (String file : ex.solution()) {
            Path p = ws.file(file);
            out.println(report.bold("// " + ws.display(p)));
            out.println(Workspace.read(p));
        }
        return 0;
    }

    /** {@code prove [EX] [--mutants]}: with --mutants, only the wrong solutions (what CI adds to verify's proof). */
    private int prove(List<String> args) {
        long start = System.nanoTime();
        boolean onlyMutants = args.contains("--mutants");
        List<String> names = args.stream().filter(a -> !a.startsWith("-")).toList();
        List<Exercise> exercises = names.isEmpty() ? manifest.exercises() : List.of(find(names.get(0)));
        Proof proof = new Proof(checker(), ws);
        int bad = 0;
        int mutants = 0;
        for (Exercise ex : exercises) {
            List<String> problems = new ArrayList<>();
            Verdict solved = null;
            if (!onlyMutants) {
                problems.addAll(Proof.stubProblems(ex, proof.stub(ex)));
                solved = proof.solution(ex);
                problems.addAll(Proof.solutionProblems(solved));
            }
            List<Mutant> wrong = ws.mutants(ex);
            for (Mutant m : wrong) {
                try {
                    problems.addAll(Proof.mutantProblems(ex, m, proof.mutant(ex, m)));
                } catch (IllegalStateException stale) {
                    problems.add(stale.getMessage());
                }
            }
            mutants += wrong.size();
            if (problems.isEmpty()) {
                out.println(String.format(Locale.ROOT, "%-24s %s", ex.name(), report.green("✓ "
                        + (onlyMutants ? "" : "stub fails, solution passes, ") + wrong.size() + " wrong solutions rejected")));
            } else {
                bad++;
                out.println(String.format(Locale.ROOT, "%-24s %s", ex.name(), report.red("✗ " + String.join("; ", problems))));
                if (solved != null && !solved.passed()) {
                    out.print(report.verdict(ex, solved));
                }
            }
        }
        out.println();
        out.println(bad == 0 ? "All " + exercises.size() + " exercise(s) proven, " + mutants + " wrong solutions rejected."
                : bad + " exercise(s) broken.");
        printElapsed("prove", start);
        return bad == 0 ? 0 : 1;
    }

    /** The next level of the exercise's hint, remembered in the state; the last level stays. */
    private String nextHint(Exercise ex) {
        State s = state();
        int level = Math.min(s.hintLevel(ex.name()) + 1, ex.hints().size());
        s.hintLevel(ex.name(), level);
        s.save(ws.stateFile());
        return report.hint(ex, level);
    }

    /** {@code time [EX] [--runs N] [--render]}: measure save-to-verdict, write the raw file, render the README. */
    private int time(List<String> args) {
        long start = System.nanoTime();
        Path raw = SaveToVerdict.file(ws);
        Path readme = SaveToVerdict.readme(ws);
        int runs = 3;
        int at = args.indexOf("--runs");
        if (at >= 0 && at + 1 < args.size()) {
            runs = Integer.parseInt(args.get(at + 1));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--runs")) {
                i++;
            } else if (!args.get(i).startsWith("-")) {
                names.add(args.get(i));
            }
        }
        if (!args.contains("--render")) {
            List<Exercise> exercises = names.isEmpty() ? manifest.exercises() : names.stream().map(this::find).toList();
            try {
                SaveToVerdict.Result result = SaveToVerdict.measure(checker(), ws, exercises, runs);
                SaveToVerdict.write(raw, result);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
            out.println("Wrote " + ws.display(raw));
        }
        try {
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            Files.writeString(readme, SaveToVerdict.renderInto(text, SaveToVerdict.read(raw)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            out.println("Cannot render into " + ws.display(readme) + ": " + e.getMessage());
            return 1;
        }
        out.println("Rendered it into " + ws.display(readme) + ":");
        out.println(SaveToVerdict.render(SaveToVerdict.read(raw)));
        printElapsed("time", start);
        return 0;
    }

    // ---- watch mode -------------------------------------------------------------------------

    private int watch(Exercise start) {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread keys = new Thread(() -> {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    events.add("key:" + line.strip());
                }
            } catch (IOException ignored) {
                // stdin gone: file events still work
            }
            events.add("eof");
        }, "workshop-keys");
        keys.setDaemon(true);
        keys.start();

        Map<WatchKey, Path> dirs = new HashMap<>();
        WatchService watcher = null;
        try {
            watcher = FileSystems.getDefault().newWatchService();
            for (Exercise ex : manifest.exercises()) {
                Path dir = ws.mainDir(ex);
                if (Files.isDirectory(dir)) {
                    dirs.put(dir.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE), dir);
                }
            }
            WatchService w = watcher;
            Thread files = new Thread(() -> forwardFileEvents(w, dirs, events), "workshop-files");
            files.setDaemon(true);
            files.start();
        } catch (IOException | UnsupportedOperationException e) {
            out.println(report.dim("(file events are not available here: " + e.getMessage() + ". Press Enter after saving.)"));
        }

        Exercise ex = start;
        setCurrent(ex);
        out.print(report.intro(manifest, ex, ws));
        out.println(report.dim("  Watching: save the file and the tests run again. If nothing happens on save, press Enter."));
        out.println();
        boolean passed = watchRun(ex, 0);
        try {
            while (true) {
                out.println(report.dim("[Enter] run  [h] hint  [l] list  [n] next" + (passed ? "  [s] solution" : "") + "  [q] quit"));
                String event = events.take();
                if (event.equals("eof")) {
                    if (watcher == null) {
                        return 0; // no keys and no file events: nothing can happen any more
                    }
                    continue; // keep watching files; Ctrl-C ends it
                }
                if (event.startsWith("file:")) {
                    if (!event.substring(5).equals(ws.mainDir(ex).toString())) {
                        continue; // another exercise's file
                    }
                    settle(events);
                    passed = watchRun(ex, ws.lastModifiedMillis(ex));
                    continue;
                }
                String key = event.substring(4).toLowerCase(Locale.ROOT);
                switch (key) {
                    case "", "r" -> passed = watchRun(ex, 0);
                    case "h" -> out.println(nextHint(ex));
                    case "l" -> out.println(report.list(manifest, state(), ex.name()));
                    case "s" -> {
                        if (solution(ex) == 0) {
                            out.println();
                        }
                    }
                    case "n" -> {
                        if (!passed) {
                            out.println("Not yet: " + ex.name() + " still fails. [h] shows a hint.");
                            continue;
                        }
                        Optional<Exercise> next = manifest.after(ex);
                        if (next.isEmpty()) {
                            out.println(report.green("You have done the last exercise. ") + report.command() + " list shows anything left.");
                            continue;
                        }
                        ex = next.get();
                        setCurrent(ex);
                        out.println();
                        out.print(report.intro(manifest, ex, ws));
                        out.println();
                        passed = watchRun(ex, 0);
                    }
                    case "q" -> {
                        return 0;
                    }
                    default -> out.println("Unknown key '" + key + "'.");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            if (watcher != null) {
                try {
                    watcher.close();
                } catch (IOException ignored) {
                    // closing on the way out
                }
            }
        }
    }

    private static void forwardFileEvents(WatchService watcher, Map<WatchKey, Path> dirs, BlockingQueue<String> events) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                Path dir = dirs.get(key);
                boolean java = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.context() instanceof Path p && p.toString().endsWith(".java")) {
                        java = true;
                    }
                }
                key.reset();
                if (java && dir != null) {
                    events.add("file:" + dir);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // watch mode is over
        }
    }

    /** Swallows the burst of events one save makes (write, truncate, rename) so the tests run once. */
    private static void settle(BlockingQueue<String> events) throws InterruptedException {
        while (true) {
            String more = events.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
            if (more == null) {
                return;
            }
            if (!more.startsWith("file:")) {
                events.add(more); // a key typed meanwhile: keep it for later (order does not matter here)
                return;
            }
        }
    }

    /**
     * One run in watch mode.
     *
     * @param savedAtMillis the saved file's modification time, or 0 for a run not caused by a save
     */
    private boolean watchRun(Exercise ex, long savedAtMillis) {
        out.println(report.dim("── " + java.time.LocalTime.now().withNano(0) + "  running " + ex.name() + " ──"));
        Verdict v = checkAndShow(ex, savedAtMillis);
        recordVerdict(ex, v);
        if (v.passed()) {
            out.println(afterPass(ex));
        }
        out.println();
        return v.passed();
    }

    private String afterPass(Exercise ex) {
        Optional<Exercise> next = manifest.after(ex);
        String nextStep = next.map(n -> "Next: " + n.name() + " ([n] in watch mode, or " + report.command() + " next).")
                .orElse("That was the last exercise.");
        return "  " + nextStep + " The reference solution: [s], or " + report.command() + " solution " + ex.number() + ".";
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * The slow commands say how long they took, measured on this run: a duration typed into the
     * docs would be some other machine's on some other day.
     */
    private void printElapsed(String command, long startNanos) {
        out.println(report.dim(command + " took " + Report.seconds(System.nanoTime() - startNanos)));
    }

    /**
     * The quick check, shown as soon as it is done; if it passes and the exercise has a thorough
     * check (slower tests: stress, many rounds), that runs next and its verdict is the one that
     * counts. The quick check is what keeps save-to-verdict short while the learner is still
     * wrong; the thorough one is paid once, when they think they are done.
     *
     * @param savedAtMillis the saved file's modification time, or 0 for a run not caused by a save
     */
    private Verdict checkAndShow(Exercise ex, long savedAtMillis) {
        Verdict v = check(ex);
        long verdictAt = System.currentTimeMillis();
        out.print(report.verdict(ex, v));
        if (savedAtMillis > 0) {
            out.println(report.dim("  save to verdict: " + Report.seconds((verdictAt - savedAtMillis) * 1_000_000L)));
        }
        if (v.passed() && !ex.thorough().isEmpty()) {
            out.println(report.dim("  The quick check passes. Now the thorough check: " + String.join(", ",
                    ex.thorough().stream().map(Checker::simpleName).toList()) + " (slower: more threads, more rounds)..."));
            v = checker().checkThorough(ex, ws.learnerSources(ex), ws.testSources(ex));
            out.print(report.verdict(ex, v));
        }
        return v;
    }

    private Verdict check(Exercise ex) {
        return checker().check(ex, ws.learnerSources(ex), ws.testSources(ex));
    }

    private Checker checker() {
        if (checker == null) {
            checker = new Checker();
        }
        return checker;
    }

    private void recordVerdict(Exercise ex, Verdict v) {
        State s = state();
        s.record(ex.name(), v.passed());
        s.save(ws.stateFile());
    }

    private void setCurrent(Exercise ex) {
        State s = state();
        s.current(ex.name());
        s.save(ws.stateFile());
    }

    private State state() {
        return State.load(ws.stateFile());
    }

    /** The current exercise: the one the state names, else the first not done, else the first. */
    Exercise current() {
        State s = state();
        if (s.current() != null) {
            Optional<Exercise> named = manifest.find(s.current());
            if (named.isPresent() && named.get().name().equals(s.current())) {
                return named.get();
            }
        }
        return manifest.exercises().stream().filter(e -> !s.isDone(e.name())).findFirst().orElse(manifest.first());
    }

    private Exercise find(String query) {
        return manifest.find(query).orElseThrow(() -> new Usage("no exercise matches '" + query + "'; "
                + report.command() + " list shows them all"));
    }

    /** A mistake in the command line: the message and the usage are printed, exit code 2. */
    private static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message, null, false, false);
        }
    }
}
