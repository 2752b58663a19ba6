package lockfree.stress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One stage's gateway in its own JVM ({@code java -jar stageN-...-gateway.jar --port P ...}), or
 * another target in its own process (the limit server, a peer), and what the coordinator reads
 * from outside it: health, Prometheus counters, CPU time and memory.
 *
 * <p>CPU time and resident memory come from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}
 * (Linux; elsewhere they are reported as unknown), for a JVM and for node alike: the pid is the
 * process the tool started, not a shell around it. The live heap of a JVM comes from
 * {@code jcmd <pid> GC.class_histogram}, which runs a full collection first, so what it sums is
 * what the gateway keeps alive, not garbage waiting for the next GC. Node's counterpart is the
 * ws peer's {@code GET /heap}: V8's {@code heapUsed} right after a full {@code gc()}.
 */
final class GatewayProcess {
    /** USER_HZ: the unit of utime/stime in /proc/pid/stat; 100 on every Linux ABI Java runs on. */
    private static final long TICKS_PER_SECOND = 100;
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");

    private static final Pattern HEAP_USED = Pattern.compile("\"heapUsed\":(\\d+)");

    /** How a target's live heap is read. */
    enum Heap {
        /** A JVM: {@code jcmd <pid> GC.class_histogram}. */
        JCMD,
        /** Node (the ws peer): {@code GET /heap}, V8's heapUsed after a full gc(). */
        NODE_ENDPOINT
    }

    private final Process process;
    private final int port;
    private final Path log;
    private final Heap heap;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayProcess(Process process, int port, Path log, Heap heap) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.heap = heap;
    }

    /** Starts the gateway; its output goes to {@code log}. Returns at once; see {@link #awaitHealthy}. */
    static GatewayProcess start(Path java, Path jar, int port, List<String> jvmOptions, List<String> gatewayArgs,
                                Path log) throws IOException {
        return start(java, List.of("-jar", jar.toString()), port, jvmOptions, gatewayArgs, log);
    }

    /**
     * Starts {@code java <jvmOptions> <program> --port P <gatewayArgs>}, where {@code program} is
     * {@code -jar <gateway jar>} or, for the limit target, {@code -cp <stress jar> <main class>}.
     */
    static GatewayProcess start(Path java, List<String> program, int port, List<String> jvmOptions,
                                List<String> gatewayArgs, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(program);
        return start(cmd, port, gatewayArgs, log, Heap.JCMD);
    }

    /** Starts {@code <command> --port P <args>}, any program that takes the gateway's --port. */
    static GatewayProcess start(List<String> command, int port, List<String> gatewayArgs, Path log, Heap heap)
            throws IOException {
        // Anything already answering on the port (a gateway left over from another run) would
        // answer /health for ours and take its clients, and ours would exit on the failed bind.
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.getLocalPort();
        } catch (IOException inUse) {
            throw new IOException("port " + port + " is in use; stop what listens there or pass --port", inUse);
        }
        List<String> cmd = new ArrayList<>(command);
        cmd.add("--port");
        cmd.add(Integer.toString(port));
        cmd.addAll(gatewayArgs);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new GatewayProcess(p, port, log, heap);
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    /** Polls {@code GET /health} until it answers 200; fails if the process exits or time runs out. */
    void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gateway on port " + port + " exited with " + process.exitValue()
                        + "; its output is in " + log);
            }
            try {
                if (get("/health").statusCode() == 200 && process.isAlive()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IOException("gateway on port " + port + " not healthy within " + timeout + "; see " + log);
    }

    /** The whole {@code GET /metrics} exposition, to read several samples from one scrape. */
    String metrics() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    /**
     * The sum of every sample of {@code name}, labelled or not: e.g. all reasons of
     * {@code gateway_router_dropped_total}. 0 if there is none.
     */
    static double metricSum(String exposition, String name) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            boolean labelled = line.startsWith(name + '{');
            if (labelled || line.startsWith(name + ' ')) {
                String value = labelled ? line.substring(line.lastIndexOf('}') + 1) : line.substring(name.length());
                sum += Double.parseDouble(value.trim().split(" ")[0]);
            }
        }
        return sum;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** User + system CPU time the gateway process has used so far, or empty off Linux. */
    OptionalLong cpuNanos() {
        try {
            return OptionalLong.of(cpuNanos(Files.readString(Path.of("/proc", Long.toString(pid()), "stat"))));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Parses utime + stime out of a {@code /proc/<pid>/stat} line. The second field is the command
     * name in parentheses and may itself contain spaces, so fields are counted after the last ')'.
     */
    static long cpuNanos(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // After ')' the fields start at "state" (field 3), so utime (14) and stime (15) are at 11, 12.
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /** Resident set size in bytes (VmRSS), or empty off Linux. */
    OptionalLong rssBytes() {
        try {
            Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid()), "status")));
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Bytes of live heap: {@code jcmd <pid> GC.class_histogram} forces a full GC and then lists
     * every class's instances; its {@code Total} line is the sum. Empty if jcmd is not there.
     */
    OptionalLong liveHeapBytes(Path jcmd) {
        if (heap == Heap.NODE_ENDPOINT) {
            try {
                Matcher m = HEAP_USED.matcher(get("/heap").body());
                return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
            } catch (IOException e) {
                return OptionalLong.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalLong.empty();
            }
        }
        if (!Files.isExecutable(jcmd)) {
            return OptionalLong.empty();
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return OptionalLong.empty();
            }
            return liveHeapBytes(out);
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    static OptionalLong liveHeapBytes(String classHistogram) {
        Matcher m = HISTOGRAM_TOTAL.matcher(classHistogram);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(2))) : OptionalLong.empty();
    }

    /** SIGTERM (the gateway flushes and closes its sessions), then SIGKILL if it takes too long. */
    void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
