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
import java.util.List;

/**
 * {@code ./bench.sh all}: runs every cross-stage benchmark in one JMH run and writes
 * {@code compare.json} (JMH's raw result), then renders the table and the charts from it
 * ({@link Report}).
 *
 * <p>JMH takes the thread count as a run option, not a parameter, so the session-table workload
 * is run once per thread count (1, 2, 4) and the counters once per 1..4; the results are merged
 * into one JSON file, in which each entry records its own {@code threads}. The send-queue
 * benchmark sets its producer count itself (thread groups of 1 and 3).
 *
 * <p>Usage: {@code CompareStages [--forks N] [--out DIR]} (defaults: 2 forks, docs/bench). Each
 * trial: 2 warm-up and 3 measured iterations of 1 s per fork. The load average before each
 * Runner.run goes into {@code compare-run.txt} beside the JSON.
 */
public final class CompareStages {

    private CompareStages() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        int forks = 2;
        Path out = Path.of("docs/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: CompareStages [--forks N] [--out DIR]");
            }
        }
        Files.createDirectories(out);
        List<String> loads = new ArrayList<>();
        List<RunResult> results = new ArrayList<>();
        Instant start = Instant.now();

        for (int threads : new int[] {1, 2, 4}) {
            results.addAll(run(AllStages_01_SessionTable.class, threads, forks, loads));
        }
        results.addAll(run(AllStages_02_SendQueue.class, 0, forks, loads));
        for (int threads = 1; threads <= 4; threads++) {
            results.addAll(run(Metrics_01_Counters.class, threads, forks, loads));
        }

        Path json = out.resolve("compare.json");
        try (PrintStream ps = new PrintStream(Files.newOutputStream(json), true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, ps).writeOut(results);
        }
        loads.add("end " + Report.loadAverage());
        Path log = out.resolve("compare-run.txt");
        Files.write(log, Report.runLog(start, Instant.now(), forks, loads), StandardCharsets.UTF_8);
        System.out.println("wrote " + json + " and " + log);
        Report.main(new String[] {json.toString(), out.toString()});
    }

    /** One Runner.run of one class; threads 0 means "as the benchmark declares". */
    private static java.util.Collection<RunResult> run(Class<?> benchmark, int threads, int forks,
                                                       List<String> loads) throws RunnerException {
        String load = Report.loadAverage();
        loads.add(benchmark.getSimpleName() + (threads > 0 ? " -t " + threads : "") + ": load " + load);
        System.out.println("# load average before " + benchmark.getSimpleName() + " -t " + threads + ": " + load);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("\\b" + benchmark.getName().replace(".", "\\.") + "\\.")
                .shouldFailOnError(true);
        if (threads > 0) {
            options.threads(threads);
        }
        options.forks(forks).warmupIterations(2).measurementIterations(3)
                .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1));
        return new Runner(options.build()).run();
    }
}
