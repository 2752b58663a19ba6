package lockfree.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.stage3.TombstoningRegistry;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a million connections leave behind in each stage's session tables.
 *
 * <p>A gateway runs for weeks; users disconnect and reconnect all day, and every new connection
 * gets a new session id. A table that keeps something of every removed id grows with the number
 * of connections ever made, not with the number of users online. This measures it: for every
 * stage, and for stage 3 with a {@code NonBlockingHashMapLong} as its session registry
 * ({@link TombstoningRegistry#manager()}, the "naive" row), it logs in {@code live} users, takes the heap,
 * runs {@code cycles} reconnections (a user's connection closes, a new one connects and logs in as
 * the same user: remove, add, bind), and takes the heap again.
 *
 * <p><b>Size</b>: the bytes of live objects after a full collection (the class histogram's total),
 * minus the same before the manager was built: the manager's tables and the live sessions they
 * hold (the same sessions before and after, so the difference is the tables). Each target runs in
 * a JVM of its own (see {@link #inItsOwnJvm}). The target: every stage ends within 10% of its
 * size before the churn; the naive stage 3 is shown for its growth and is not held to it. The exit
 * code is 1 if a stage misses the target.
 *
 * <h2>HOW TO RUN</h2>
 * <pre>
 *   ./mvnw -q -B -pl benchmarks -am test-compile dependency:build-classpath \
 *       -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 *   java -Xmx1g -cp benchmarks/target/classes:$(cat benchmarks/target/test.classpath) \
 *       lockfree.bench.ChurnMemory docs/bench/churn-memory.json [cycles] [live users]
 * </pre>
 * (After {@code ./bench.sh} has built once, the first command can be skipped.) Defaults: 1,000,000
 * cycles, 10,000 live users; under a minute at that size on two cores (five JVMs, one per target).
 */
public final class ChurnMemory {

    private ChurnMemory() {
    }

    /** One row of the result. */
    record Row(String stage, long bytesBefore, long bytesAfter, double growth, boolean heldToTarget) {
        @JsonIgnore
        boolean missesTarget() {
            return heldToTarget && growth > TARGET;
        }
    }

    /** The target: within 10% of the size before the churn. */
    static final double TARGET = 0.10;

    /** Stage 3's first version, measured beside the stages for its growth. */
    static final String NAIVE = "stage3-naive";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length > 0 && args[0].equals("--target")) {
            // A child: one target, one line of JSON on stdout.
            String target = args[1];
            Row row = target.equals(NAIVE)
                    ? measure(NAIVE, TombstoningRegistry::manager, Integer.parseInt(args[2]), Integer.parseInt(args[3]), false)
                    : measure(target, Stages.ALL.stream().filter(s -> s.name().equals(target)).findFirst()
                            .orElseThrow().sessions(), Integer.parseInt(args[2]), Integer.parseInt(args[3]), true);
            System.out.println(MAPPER.writeValueAsString(row));
            return;
        }
        Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/target/churn-memory.json");
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int live = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;

        List<String> targets = new ArrayList<>();
        Stages.ALL.forEach(s -> targets.add(s.name()));
        targets.add(NAIVE);
        List<Row> rows = new ArrayList<>();
        for (String target : targets) {
            rows.add(inItsOwnJvm(target, cycles, live));
        }

        System.out.printf("%-22s %14s %14s %8s%n", "stage", "bytes before", "bytes after", "growth");
        for (Row r : rows) {
            System.out.printf("%-22s %,14d %,14d %+7.1f%%%s%n", r.stage(), r.bytesBefore(), r.bytesAfter(),
                    100 * r.growth(), r.missesTarget() ? "  MISSES the 10% target" : "");
        }

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("what", "heap retained by each stage's SessionManager (tables + live sessions) before and after "
                + "churn; bytes = live bytes in the class histogram (after a full GC) minus the same before the manager was built");
        json.put("date", Instant.now().toString());
        json.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        json.put("gc", String.join(",", gcNames()));
        json.put("cycles", cycles);
        json.put("liveUsers", live);
        json.put("target", TARGET);
        json.put("rows", rows);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("# written to " + out);
        if (rows.stream().anyMatch(Row::missesTarget)) {
            System.exit(1);
        }
    }

    /*
     * Each target in a JVM of its own, with this JVM's options: a fresh heap, so that nothing one
     * target loaded, cached or left behind is counted in another's sizes.
     */
    private static Row inItsOwnJvm(String target, int cycles, int live) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChurnMemory.class.getName(),
                "--target", target, Integer.toString(cycles), Integer.toString(live)));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line;
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            line = stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        }
        int rc = child.waitFor();
        if (rc != 0 || line == null) {
            throw new IllegalStateException(target + ": the measuring JVM exited with " + rc);
        }
        return MAPPER.readValue(line, Row.class);
    }

    static Row measure(String name, Supplier<? extends SessionManager> newManager, int cycles, int live,
                       boolean heldToTarget) {
        long empty = usedAfterGc();
        SessionManager manager = newManager.get();
        Session[] online = new Session[live];
        // Session ids from one counter, never reused, as Session.open hands them out.
        long nextId = 1;
        for (int u = 0; u < live; u++) {
            online[u] = Session.detached(nextId++, u + 1);
            manager.add(online[u]);
            manager.bind(online[u]);
        }
        long populated = usedAfterGc();
        long before = populated - empty;
        for (int c = 0; c < cycles; c++) {
            int u = c % live;
            manager.remove(online[u]);                 // the user's connection closes
            online[u] = Session.detached(nextId++, u + 1);
            manager.add(online[u]);                    // a new one connects
            manager.bind(online[u]);                   // and logs in as the same user
        }
        if (manager.size() != live || manager.userCount() != live) {
            throw new IllegalStateException(name + ": " + manager.size() + " sessions, " + manager.userCount()
                    + " users after the churn, expected " + live);
        }
        long after = usedAfterGc() - empty;
        Reference.reachabilityFence(manager);
        Reference.reachabilityFence(online);
        return new Row(name, before, after, (double) (after - before) / before, heldToTarget);
    }

    /**
     * Bytes of live objects in the heap: the "Total" of the JVM's class histogram (what
     * {@code jcmd <pid> GC.class_histogram} prints), which runs a full collection and counts only
     * what it reached. Not the pools' "used" figures: those also count free space the collector
     * has not handed back, which moved by a megabyte and more with the churn itself.
     */
    private static long usedAfterGc() {
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            for (String line : histogram.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[0].equals("Total")) {
                    return Long.parseLong(f[2]);
                }
            }
            throw new IllegalStateException("no Total line in the class histogram");
        } catch (JMException e) {
            throw new IllegalStateException("the class histogram needs HotSpot's DiagnosticCommand MBean", e);
        }
    }

    private static List<String> gcNames() {
        List<String> names = new ArrayList<>();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(b -> names.add(b.getName()));
        return names;
    }
}
