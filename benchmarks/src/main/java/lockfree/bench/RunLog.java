package lockfree.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a benchmark run records about itself beside its JMH JSON ({@code X.json}'s run log is
 * {@code X-run.txt}): the command, the start and end, the JDK, the cores and the load average
 * before each part. The docs tooling reads it back for the caption of every table rendered from
 * that JSON (docs-tool's {@code Captions}); one line per field, {@code name  value}.
 */
public final class RunLog {
    private RunLog() {
    }

    /** The 1-, 5- and 15-minute load averages, or "n/a" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /**
     * {@code RunLog <X.json> <command> <started> [load before]}: writes X-run.txt beside a JMH JSON
     * that a command other than {@code ./bench.sh all} produced (bench.sh's stage modes call it after
     * a run with {@code -rff}), so that its tables carry their caption.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: RunLog <X.json> <command> <started> [load before]");
        }
        Path json = Path.of(args[0]);
        List<String> loads = new ArrayList<>();
        if (args.length > 3) {
            loads.add("before: load " + args[3]);
        }
        loads.add("end " + loadAverage());
        Files.write(runLogOf(json), runLog(args[1], Instant.parse(args[2]), Instant.now(), "as the command says", loads),
                StandardCharsets.UTF_8);
        System.out.println("wrote " + runLogOf(json));
    }

    /** The run log beside a JMH JSON: {@code X.json}'s is {@code X-run.txt}. */
    static Path runLogOf(Path json) {
        String name = json.getFileName().toString();
        return json.resolveSibling(name.replaceFirst("\\.json$", "") + "-run.txt");
    }

    static List<String> runLog(String command, Instant start, Instant end, String shape, List<String> loads) {
        List<String> log = new ArrayList<>();
        log.add("command  " + command);
        log.add("started  " + start);
        log.add("finished " + end + " (" + Duration.between(start, end).toMinutes() + " min)");
        log.add("java     " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        log.add("cpus     " + Runtime.getRuntime().availableProcessors() + " (" + cpuModel() + ")");
        log.add("shape    " + shape);
        log.add("load average (1, 5, 15 min) before each part of the run:");
        loads.forEach(l -> log.add("  " + l));
        return log;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
