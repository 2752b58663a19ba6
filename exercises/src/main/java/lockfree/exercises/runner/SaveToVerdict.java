package lockfree.exercises.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code ./exercises.sh time}: how long each exercise's quick check takes to answer a save, measured
 * on this machine and written to {@code exercises/docs/save-to-verdict.json}; {@link #render} turns
 * that file into the table between the markers in exercises/README.md. The raw file is the one
 * source of the numbers the README shows.
 *
 * <p>What is measured is what a save costs in watch mode once the runner is warm: compiling the
 * package with the reference solution in place and running the quick check, after one unmeasured
 * check (class loading, JIT) and, for a Lincheck exercise, after its next JVM has warmed up, as it
 * does while the learner edits. The file-event delay of the editor and the OS is not in it.
 */
final class SaveToVerdict {
    static final String BEGIN = "<!-- save-to-verdict:begin -->";
    static final String END = "<!-- save-to-verdict:end -->";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One exercise's measurement, in milliseconds. */
    record Row(String exercise, boolean passed, long medianMillis, long minMillis, long maxMillis) {
    }

    /** The raw file. */
    record Result(String date, String machine, int cores, String java, int runs, double loadAverageStart,
                  double loadAverageEnd, List<Row> exercises) {
    }

    private SaveToVerdict() {
    }

    static Path file(Workspace ws) {
        return ws.root().resolve("exercises/docs/save-to-verdict.json");
    }

    static Path readme(Workspace ws) {
        return ws.root().resolve("exercises/README.md");
    }

    /** Measures {@code exercises} with {@code runs} saves each. */
    static Result measure(Checker checker, Workspace ws, List<Exercise> exercises, int runs) throws InterruptedException {
        double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String date = Instant.now().truncatedTo(ChronoUnit.MINUTES).toString();
        List<Row> rows = new ArrayList<>();
        for (Exercise ex : exercises) {
            var sources = ws.solutionSources(ex);
            var tests = ws.testSources(ex);
            boolean passed = checker.check(ex, sources, tests).passed(); // warm-up, not measured
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                checker.awaitStandby();
                long start = System.nanoTime();
                passed &= checker.check(ex, sources, tests).passed();
                millis.add((System.nanoTime() - start) / 1_000_000);
            }
            checker.awaitStandby();
            millis.sort(null);
            rows.add(new Row(ex.name(), passed, millis.get(millis.size() / 2), millis.get(0), millis.get(millis.size() - 1)));
        }
        double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return new Result(date, machine(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vendor") + " " + System.getProperty("java.version"), runs,
                round(loadStart), round(loadEnd), rows);
    }

    private static double round(double load) {
        return Math.round(load * 100) / 100.0;
    }

    private static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("");
        } catch (IOException | RuntimeException e) {
            // not Linux: the OS and architecture still say something
        }
        String os = System.getProperty("os.name") + " " + System.getProperty("os.arch");
        return cpu.isEmpty() ? os : cpu + ", " + os;
    }

    static void write(Path file, Result result) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writeValueAsString(result) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Result.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The README block for {@code result}, markers included. */
    static String render(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(BEGIN).append('\n');
        sb.append("Measured ").append(r.date().replace('T', ' ').replace("Z", " UTC")).append(" on ").append(r.machine())
                .append(" (").append(r.cores()).append(r.cores() == 1 ? " core" : " cores").append(", ").append(r.java())
                .append("), median of ").append(r.runs()).append(" saves of the reference solution;")
                .append(String.format(Locale.ROOT, " load average %.2f at the start, %.2f at the end", r.loadAverageStart(), r.loadAverageEnd()))
                // Only the start says whether other work shared the cores: by the end the load
                // average counts the measurement's own compiles and test JVMs, on every machine.
                .append(r.loadAverageStart() >= r.cores()
                        ? " (a busy machine: other work shared its cores)." : ".")
                .append('\n').append('\n');
        sb.append("| exercise | quick check, median | fastest | slowest |\n");
        sb.append("|---|---|---|---|\n");
        for (Row row : r.exercises()) {
            sb.append("| ").append(row.exercise()).append(row.passed() ? "" : " (did not pass)")
                    .append(" | ").append(Report.seconds(row.medianMillis() * 1_000_000L))
                    .append(" | ").append(Report.seconds(row.minMillis() * 1_000_000L))
                    .append(" | ").append(Report.seconds(row.maxMillis() * 1_000_000L)).append(" |\n");
        }
        sb.append(END);
        return sb.toString();
    }

    /** The README's block as it is now, markers included, if it has one. */
    static Optional<String> block(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            return Optional.empty();
        }
        return Optional.of(readme.substring(begin, end + END.length()));
    }

    /** {@code readme} with its block replaced by {@code result}'s. */
    static String renderInto(String readme, Result result) {
        String old = block(readme).orElseThrow(() -> new IllegalStateException(
                "exercises/README.md has no " + BEGIN + " ... " + END + " block to render into"));
        return readme.replace(old, render(result));
    }
}
