package lockfree.common.stress;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the stress test against each selected stage in turn: start its gateway JVM(s), start the
 * client JVM(s), let them connect, measure the gateway, say GO, collect the results, stop
 * everything. Every stage gets the same flags and the same load; nothing of one stage's run is
 * alive while the next one runs.
 *
 * <p>The coordinator talks to each client JVM over its stdin and stdout, one line each way:
 * {@code CONNECTED <n>}, then optionally {@code WARMUP <msgs>} / {@code WARM done}, then {@code GO}, then {@code RESULT <json>}, then {@code CLOSE}.
 */
final class Coordinator {
    private final StressSettings settings;
    private final PrintStream out;
    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    private final boolean linux = Files.isDirectory(Path.of("/proc/self"));
    private final List<Process> children = new ArrayList<>();

    Coordinator(StressSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        // Ctrl-C on the coordinator must not leave gateways or clients behind.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (children) {
                children.forEach(Process::destroyForcibly);
            }
        }, "stress-cleanup"));
    }

    List<StageResult> runAll() throws IOException, InterruptedException {
        List<StageResult> results = new ArrayList<>();
        for (int i = 0; i < settings.stages().size(); i++) {
            int stage = settings.stages().get(i);
            Path jar = stageJar(settings.root(), stage);
            results.add(runStage(i, jar));
        }
        return results;
    }

    /** {@code stageN-<name>/target/stageN-<name>-gateway.jar} under the project root. */
    static Path stageJar(Path root, int stage) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "stage" + stage + "-*")) {
            for (Path dir : dirs) {
                Path jar = dir.resolve("target").resolve(dir.getFileName() + "-gateway.jar");
                if (Files.isRegularFile(jar)) {
                    return jar;
                }
            }
        }
        throw new IOException("no stage" + stage + "-*/target/stage" + stage + "-*-gateway.jar under " + root.toAbsolutePath()
                + "; build the jars first: ./mvnw -q package -DskipTests");
    }

    private StageResult runStage(int ordinal, Path jar) throws IOException, InterruptedException {
        String name = jar.getFileName().toString().replace("-gateway.jar", "");
        String load = loadAverage();
        int shards = settings.shards();
        out.printf("%n== %s: %d gateway JVM(s), %d client JVM(s), load average before: %s%n", name, shards, shards, load);
        Path logs = settings.root().resolve("target").resolve("stress");
        List<GatewayProcess> gateways = new ArrayList<>();
        List<Worker> workers = new ArrayList<>();
        try {
            for (int k = 0; k < shards; k++) {
                GatewayProcess g = GatewayProcess.start(java, jar, settings.basePort() + k, settings.gatewayJvm(),
                        settings.gatewayArgsOf(k), logs.resolve(name + "-gateway-" + k + ".log"));
                gateways.add(g);
                synchronized (children) {
                    children.add(g.process());
                }
            }
            for (GatewayProcess g : gateways) {
                g.awaitHealthy(Duration.ofSeconds(60));
            }
            long heap0 = sum(gateways, g -> g.liveHeapBytes(jcmd));
            long rss0 = sum(gateways, GatewayProcess::rssBytes);

            for (int k = 0; k < shards; k++) {
                workers.add(startWorker(settings.workerSpec(ordinal, k, linux), logs.resolve(name + "-client-" + k + ".log")));
            }
            int connected = 0;
            for (Worker w : workers) {
                connected += Integer.parseInt(w.expect("CONNECTED").trim());
            }
            out.printf("   %d of %d users logged in%n", connected, settings.users());
            long heap1 = sum(gateways, g -> g.liveHeapBytes(jcmd));
            long rss1 = sum(gateways, GatewayProcess::rssBytes);

            if (settings.warmup() > 0 && settings.scenario() != Scenario.IDLE) {
                out.printf("   warming up: %d %s%n", settings.warmup(),
                        settings.scenario() == Scenario.BROADCAST ? "pushes" : "messages per user");
                workers.forEach(w -> w.say("WARMUP " + settings.warmup()));
                for (Worker w : workers) {
                    w.expect("WARM");
                }
            }
            long dropped0 = droppedTotal(gateways);
            long cpu0 = sum(gateways, GatewayProcess::cpuNanos);
            long clientCpu0 = clientCpu(workers);
            workers.forEach(w -> w.say("GO"));
            List<WorkerResult> results = new ArrayList<>();
            for (Worker w : workers) {
                results.add(LoadClient.JSON.readValue(w.expect("RESULT"), WorkerResult.class));
            }
            long cpu1 = sum(gateways, GatewayProcess::cpuNanos);
            long clientCpu1 = clientCpu(workers);
            long dropped1 = droppedTotal(gateways);
            workers.forEach(w -> w.say("CLOSE"));
            out.printf("   client JVM CPU during the send phase: %.1f s%n", (clientCpu1 - clientCpu0) / 1e9);
            return merge(name, load, results, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0,
                    dropped0 < 0 || dropped1 < 0 ? -1 : dropped1 - dropped0,
                    perConnection(heap0, heap1, connected), perConnection(rss0, rss1, connected));
        } finally {
            for (Worker w : workers) {
                w.stop();
            }
            for (GatewayProcess g : gateways) {
                g.close();
            }
        }
    }

    /** The client JVMs' CPU, read the same way as the gateways': is the load generator the bottleneck? */
    private static long clientCpu(List<Worker> workers) {
        long total = 0;
        for (Worker w : workers) {
            try {
                total += GatewayProcess.cpuNanos(Files.readString(Path.of("/proc", Long.toString(w.process.pid()), "stat")));
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return total;
    }

    private static long perConnection(long before, long after, int connections) {
        return before < 0 || after < 0 || connections == 0 ? -1 : (after - before) / connections;
    }

    private static long sum(List<GatewayProcess> gateways, Function<GatewayProcess, OptionalLong> f) {
        long total = 0;
        for (GatewayProcess g : gateways) {
            OptionalLong v = f.apply(g);
            if (v.isEmpty()) {
                return -1;
            }
            total += v.getAsLong();
        }
        return total;
    }

    /** Summed over the gateways; -1 if one of them could not be read (reported as n/a, not fatal). */
    private long droppedTotal(List<GatewayProcess> gateways) throws InterruptedException {
        long total = 0;
        for (GatewayProcess g : gateways) {
            try {
                total += (long) g.metric("gateway_pushes_dropped_total");
            } catch (IOException e) {
                out.println("   could not read /metrics on port " + g.port() + ": " + e);
                return -1;
            }
        }
        return total;
    }

    static StageResult merge(String name, String load, List<WorkerResult> results, long cpuNanos,
                             long droppedByGateway, long heapPerConn, long rssPerConn) {
        Histogram latency = null;
        Histogram connect = null;
        Counts counts = Counts.ZERO;
        int connected = 0;
        int failures = 0;
        long unexpected = 0;
        double connectSeconds = 0;
        double sendSeconds = 0;
        double throughput = 0;
        boolean stoppedEarly = false;
        String note = null;
        for (WorkerResult r : results) {
            Histogram l = Latency.decode(r.latencyHistogram());
            Histogram c = Latency.decode(r.connectHistogram());
            if (latency == null) {
                latency = l;
                connect = c;
            } else {
                latency.add(l);
                connect.add(c);
            }
            counts = counts.plus(r.counts());
            connected += r.connected();
            failures += r.connectFailures();
            unexpected += r.unexpectedFrames();
            connectSeconds = Math.max(connectSeconds, r.connectSeconds());
            sendSeconds = Math.max(sendSeconds, r.sendSeconds());
            // The shards run side by side, so their rates add up.
            throughput += r.activeSeconds() > 0 ? r.counts().delivered() / r.activeSeconds() : 0;
            stoppedEarly |= r.stoppedEarly();
            note = note != null ? note : r.firstFailure();
        }
        long delivered = counts.delivered();
        double cpuSeconds = cpuNanos < 0 ? -1 : cpuNanos / 1e9;
        return new StageResult(name, load, results.size(), connected + failures, connected, failures, connectSeconds,
                Latency.of(connect == null ? new Histogram(3) : connect), counts, counts.lost(),
                counts.successPercent(), droppedByGateway, unexpected, sendSeconds, throughput,
                Latency.of(latency == null ? new Histogram(3) : latency), cpuSeconds,
                cpuNanos < 0 || delivered == 0 ? -1 : cpuNanos / 1e3 / delivered, heapPerConn, rssPerConn,
                stoppedEarly, note);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ' ' + f[1] + ' ' + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private Worker startWorker(WorkerSpec spec, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(settings.clientJvm());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StressMain.class.getName());
        cmd.add("worker");
        cmd.addAll(spec.toArgs());
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        synchronized (children) {
            children.add(p);
        }
        return new Worker(p, log);
    }

    /** A client JVM and its line protocol. */
    private static final class Worker {
        private final Process process;
        private final Path log;
        private final BufferedReader in;
        private final Writer to;

        Worker(Process process, Path log) {
            this.process = process;
            this.log = log;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.to = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /**
         * The rest of the next line that starts with {@code word}. Blocks at most as long as the
         * worker's own limits (connect timeout, duration, settle), after which it answers or exits.
         */
        String expect(String word) throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(word + ' ')) {
                    return line.substring(word.length() + 1);
                }
            }
            throw new IOException("client JVM exited before " + word + "; its log: " + log);
        }

        void say(String word) {
            try {
                to.write(word + '\n');
                to.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("client JVM is gone; its log: " + log, e);
            }
        }

        void stop() throws InterruptedException {
            try {
                to.close(); // EOF: a worker still waiting for a word exits
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
