package lockfree.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./bench.sh all}: runs every cross-stage benchmark in one JMH run and writes
 * {@code compare.json} (JMH's raw result) and its run log; bench.sh then renders the tables of
 * docs/BENCHMARKS.md and the charts from it (docs-tool's {@code Report}).
 *
 * <p>JMH takes the thread count as a run option, not a parameter, so the session-table workload
 * is run once per thread count (1, 2, 4) and the counters once per 1..4; the results are merged
 * into one JSON file, in which each entry records its own {@code threads}. The session table's
 * {@code limit} is not thread-safe, so it runs in the 1-thread part only. The send-queue
 * benchmark sets its producer count itself (thread groups of 1 and 3).
 *
 * <p><b>The shape of the run.</b> 4 forks of 1 warm-up and 3 measured iterations of 1 s each
 * (about 5.5 s per fork with the JVM's start and the 100,000-user set-up). The forks give each
 * result four independent fork means, so the report can apply the rule "a difference only where the
 * ranges do not overlap" to the forks, not only to JMH's interval over iterations. On 2 cores
 * three forks leave several of stage 3's targets "not resolved"; a fourth narrows the 99.9%
 * interval (12 iterations instead of 9) for a third more time, about half an hour on 2 cores.
 * One warm-up second is enough for these small loops to be compiled. The estimate is printed
 * before the run starts.
 *
 * <p>Usage: {@code CompareStages [--forks N] [--seconds S] [--out DIR]} (defaults:
 * 4 forks, iterations of 1 s, docs/bench; {@code --seconds 0.1} and
 * {@code --forks 1} try the whole run out in a few minutes, numbers meaningless). The load average before each Runner.run goes into
 * {@code compare-run.txt} beside the JSON.
 */
public final class CompareStages {

    static final int DEFAULT_FORKS = 4;
    static final int WARMUP_ITERATIONS = 1;
    static final int MEASURED_ITERATIONS = 3;
    /** Per fork, besides the iterations: JVM start, the 100,000-user set-up, tear-down (measured: 1-2 s). */
    static final double FORK_OVERHEAD_SECONDS = 1.5;

    /** One Runner.run: a benchmark class at a thread count (0: as declared) with its stage list. */
    record Part(Class<?> benchmark, int threads, String[] stages) {
        /** Trials in this part: JMH runs one per combination of parameters (and per method). */
        int trials() {
            int methods = benchmark == Metrics_01_Counters.class ? 3 : benchmark == AllStages_02_SendQueue.class ? 2 : 1;
            int readPercents = benchmark == AllStages_01_SessionTable.class ? 4 : 1;
            return methods * readPercents * (stages == null ? 1 : stages.length);
        }
    }

    private CompareStages() {
    }

    static List<Part> parts() {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(AllStages_01_SessionTable.class, 1, stagesWithLimit()));
        for (int threads : new int[] {2, 4}) {
            parts.add(new Part(AllStages_01_SessionTable.class, threads, AllStages_01_SessionTable.THREAD_SAFE));
        }
        parts.add(new Part(AllStages_02_SendQueue.class, 0, Columns.QUEUES));
        for (int threads = 1; threads <= 4; threads++) {
            parts.add(new Part(Metrics_01_Counters.class, threads, null));
        }
        return parts;
    }

    private static String[] stagesWithLimit() {
        String[] all = java.util.Arrays.copyOf(AllStages_01_SessionTable.THREAD_SAFE,
                AllStages_01_SessionTable.THREAD_SAFE.length + 1);
        all[all.length - 1] = Columns.LIMIT;
        return all;
    }

    /** Minutes the run should take: trials x forks x (the iterations + the per-fork overhead). */
    static double estimatedMinutes(int forks, double seconds) {
        int trials = parts().stream().mapToInt(Part::trials).sum();
        return trials * forks * ((WARMUP_ITERATIONS + MEASURED_ITERATIONS) * seconds + FORK_OVERHEAD_SECONDS) / 60;
    }

    public static void main(String[] args) throws RunnerException, IOException {
        int forks = DEFAULT_FORKS;
        double seconds = 1;
        Path out = Path.of("docs/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: CompareStages [--forks N] [--seconds S] [--out DIR]");
            }
        }
        String shape = String.format(Locale.ROOT, "%d forks, %d warm-up + %d measured iterations of %s s",
                forks, WARMUP_ITERATIONS, MEASURED_ITERATIONS, String.format(Locale.ROOT, seconds >= 10 ? "%.1f" : "%.2f", seconds));
        System.out.printf(Locale.ROOT, "# %d trials x %s: about %.0f minutes%n",
                parts().stream().mapToInt(Part::trials).sum(), shape, estimatedMinutes(forks, seconds));
        Files.createDirectories(out);
        List<String> loads = new ArrayList<>();
        List<RunResult> results = new ArrayList<>();
        Instant start = Instant.now();
        for (Part part : parts()) {
            results.addAll(run(part, forks, seconds, loads));
        }

        Path json = out.resolve("compare.json");
        try (PrintStream ps = new PrintStream(Files.newOutputStream(json), true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, ps).writeOut(results);
        }
        loads.add("end " + RunLog.loadAverage());
        Path log = out.resolve("compare-run.txt");
        Files.write(log, RunLog.runLog(("./bench.sh all " + String.join(" ", args)).strip(), start, Instant.now(), shape, loads), StandardCharsets.UTF_8);
        System.out.println("wrote " + json + " and " + log);
    }

    private static Collection<RunResult> run(Part part, int forks, double seconds, List<String> loads)
            throws RunnerException {
        String name = part.benchmark().getSimpleName() + (part.threads() > 0 ? " -t " + part.threads() : "");
        String load = RunLog.loadAverage();
        loads.add(name + ": load " + load);
        System.out.println("# load average before " + name + ": " + load);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("\\b" + part.benchmark().getName().replace(".", "\\.") + "\\.")
                .shouldFailOnError(true);
        if (part.threads() > 0) {
            options.threads(part.threads());
        }
        if (part.stages() != null) {
            options.param("stage", part.stages());
        }
        TimeValue iteration = TimeValue.milliseconds(Math.round(seconds * 1000));
        options.forks(forks).warmupIterations(WARMUP_ITERATIONS).measurementIterations(MEASURED_ITERATIONS)
                .warmupTime(iteration).measurementTime(iteration);
        return new Runner(options.build()).run();
    }
}
