package lockfree.stress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stress tool's profile mode ({@code --profile DIR}, {@code PROFILE=DIR ./stress.sh}):
 * async-profiler's agent (from the Maven Central jar tools.profiler:async-profiler, the one
 * {@code ./bench.sh flame} uses) is loaded into every target JVM at launch, idle, and
 * {@code jcmd JVMTI.agent_load} starts it just before the measured send phase and stops it just
 * after, so the profile covers the same window as the run's gateway CPU and delivered count. Each
 * target gets a collapsed-stack file per repeat under {@code target/stress/profile} and a JSON in
 * DIR with one entry per repeat: samples per {@link ProfileClassifier.Category}, their share, and
 * CPU microseconds per delivery per category (the share of that repeat's measured gateway CPU per
 * delivery). With {@code --repeat N} the targets are profiled N times, interleaved like measured
 * runs, so the docs can show each category's median and range instead of one run, in which a
 * single burst of JIT compiling or a collection moves a whole column.
 *
 * <p>A profiled run is not a measured one: the profiler costs CPU too, so its CPU per delivery is
 * not the results tables' (those come from runs without it).
 *
 * <p>The CPU event is async-profiler's {@code cpu}: perf_events where the kernel allows it, else a
 * timer without kernel frames. Which one ran is recorded: whether kernel frames were seen, the
 * machine's {@code perf_event_paranoid}, and the profiler's own warnings from the target's log.
 */
final class ProfileSession {
    static final String INTERVAL = "1ms";
    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    private final Path dir;
    private final Path collapsedDir;
    private final Path library;
    private final Path jcmd;
    private final String command;
    /* Each target's repeats so far, in order; the coordinator profiles one target at a time. */
    private final Map<String, List<Map<String, Object>>> repeats = new LinkedHashMap<>();

    private ProfileSession(Path dir, Path collapsedDir, Path library, Path jcmd, String command) {
        this.dir = dir;
        this.collapsedDir = collapsedDir;
        this.library = library;
        this.jcmd = jcmd;
        this.command = command;
    }

    /** Extracts the agent from the tool's class path into {@code root/target/stress/profile}. */
    static ProfileSession open(Path dir, Path root, Path jcmd, String command) throws IOException {
        Path work = root.resolve("target").resolve("stress").resolve("profile").toAbsolutePath();
        Files.createDirectories(work);
        Path lib = work.resolve("libasyncProfiler.so");
        try (InputStream in = ProfileSession.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            if (in == null) {
                throw new IOException("no " + LIBRARY + " on the class path (the async-profiler jar); rebuild: REBUILD=1 ./stress.sh");
            }
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isExecutable(jcmd)) {
            throw new IOException("--profile needs " + jcmd + " (a JDK, not a JRE)");
        }
        return new ProfileSession(dir, work, lib, jcmd, command);
    }

    /** The target JVM's options with the agent loaded (idle until {@link #start}). */
    List<String> jvmOptions(List<String> options) {
        List<String> out = new ArrayList<>(options);
        out.add("-agentpath:" + library);
        return out;
    }

    /** The collapsed stacks of the target's next repeat (the one being profiled), per gateway JVM. */
    private Path collapsed(String target, int shard) {
        int repeat = repeats.getOrDefault(target, List.of()).size() + 1;
        return collapsedDir.resolve(target + "-gateway-" + shard + "-r" + repeat + ".collapsed");
    }

    /** Starts sampling in every gateway JVM of the target. */
    void start(List<GatewayProcess> gateways) throws IOException, InterruptedException {
        for (GatewayProcess g : gateways) {
            // "threads" roots each stack in its thread's name, which is how JIT and GC threads are told apart.
            agent(g, "start,event=cpu,interval=" + INTERVAL + ",threads");
        }
    }

    /** Stops sampling and writes each gateway's collapsed stacks. */
    void stop(String target, List<GatewayProcess> gateways) throws IOException, InterruptedException {
        for (int k = 0; k < gateways.size(); k++) {
            Path file = collapsed(target, k);
            Files.deleteIfExists(file);
            agent(gateways.get(k), "stop,file=" + file + ",collapsed");
        }
    }

    /*
     * jcmd's parser splits its arguments at spaces and treats a=b as a named option, so the
     * profiler's comma-separated option string goes in as one quoted value.
     */
    private void agent(GatewayProcess g, String options) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(g.pid()), "JVMTI.agent_load", library.toString(),
                '"' + options + '"').redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.contains("return code: 0")) {
            p.destroyForcibly();
            throw new IOException("async-profiler " + options + " in pid " + g.pid() + " failed: " + out.trim());
        }
    }

    /**
     * Classifies the target's collapsed stacks of this repeat and rewrites
     * {@code DIR/<scenario>-<target>.json} with every repeat of the target so far.
     */
    Path report(String target, StressSettings settings, StageResult result, List<GatewayProcess> gateways)
            throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int k = 0; k < gateways.size(); k++) {
            Path file = collapsed(target, k);
            if (!Files.isRegularFile(file)) {
                throw new IOException("async-profiler wrote no " + file + "; see " + gateways.get(k).log());
            }
            lines.addAll(Files.readAllLines(file));
            for (String line : Files.readAllLines(gateways.get(k).log())) {
                if (line.startsWith("[WARN]") || line.startsWith("[ERROR]")) {
                    warnings.add(line);
                }
            }
        }
        List<Map<String, Object>> done = repeats.computeIfAbsent(target, t -> new ArrayList<>());
        done.add(repeat(done.size() + 1, result.counts().delivered(), result.gatewayCpuSeconds(),
                result.cpuMicrosPerDelivery(), ProfileClassifier.samples(lines),
                mode(ProfileClassifier.hasKernelFrames(lines), perfEventParanoid(), warnings)));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("target", target);
        doc.put("scenario", settings.scenario().wire());
        doc.put("command", command);
        doc.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        doc.put("machine", StressMain.machine());
        doc.put("users", settings.users());
        doc.put("msgs", settings.msgs());
        doc.put("window", "measured send phase (profiler started before the CPU reading, stopped after)");
        doc.put("repeats", done);
        Files.createDirectories(dir);
        Path json = dir.resolve(settings.scenario().wire() + "-" + target + ".json");
        LoadClient.JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), doc);
        return json;
    }

    /** One repeat's entry: what it delivered, its measured CPU, how the profiler ran, its categories. */
    static Map<String, Object> repeat(int number, long delivered, double gatewayCpuSeconds, double cpuMicrosPerDelivery,
                                      Map<ProfileClassifier.Category, Long> samples, Map<String, Object> mode) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("repeat", number);
        r.put("delivered", delivered);
        r.put("gatewayCpuSeconds", gatewayCpuSeconds);
        r.put("cpuMicrosPerDelivery", cpuMicrosPerDelivery);
        r.put("mode", mode);
        r.put("categories", categories(samples, cpuMicrosPerDelivery));
        return r;
    }

    static Map<String, Object> mode(boolean kernelFrames, String paranoid, List<String> warnings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "cpu");
        m.put("interval", INTERVAL);
        m.put("kernelFrames", kernelFrames);
        m.put("ran", kernelFrames ? "perf_events cpu-clock with kernel frames"
                : "user space only (perf_events without kernel, or the itimer/ctimer fallback): "
                        + "the syscall category ends at the syscall's user-space entry");
        m.put("perfEventParanoid", paranoid);
        m.put("profilerWarnings", warnings);
        return m;
    }

    /** One entry per category, in the classifier's order: samples, share, us per delivery. */
    static List<Map<String, Object>> categories(Map<ProfileClassifier.Category, Long> samples, double cpuMicrosPerDelivery) {
        long total = samples.values().stream().mapToLong(Long::longValue).sum();
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProfileClassifier.Category c : ProfileClassifier.Category.values()) {
            long n = samples.getOrDefault(c, 0L);
            double share = total == 0 ? 0 : (double) n / total;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("category", c.key());
            e.put("samples", n);
            e.put("share", share);
            e.put("cpuMicrosPerDelivery", cpuMicrosPerDelivery < 0 ? -1 : share * cpuMicrosPerDelivery);
            out.add(e);
        }
        return out;
    }

    private static String perfEventParanoid() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/perf_event_paranoid")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
