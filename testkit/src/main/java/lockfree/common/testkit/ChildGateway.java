package lockfree.common.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A gateway's real {@code main} in a child JVM, for what one JVM cannot test: SIGTERM, SIGKILL, a
 * lowered open-files limit. It runs on the test classpath with leak detection at PARANOID, listens
 * on a free port (read back from its start-up line) and keeps every line it prints for the
 * failure message. {@link #close()} kills it.
 * <pre>
 * try (ChildGateway child = ChildGateway.start(Stage0Main.class, 0, "--redis", uri)) {
 *     WsTestClient c = WsTestClient.connect(child.uri("ws", "/ws"));
 *     child.process().destroy(); // SIGTERM
 * }
 * </pre>
 */
public final class ChildGateway implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening\\s+http://[^ ]+:(\\d+)");

    private final Process process;
    private final int port;
    private final List<String> output;

    private ChildGateway(Process process, int port, List<String> output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** The heap a child gets unless the caller gives its own JVM options. */
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx256m");

    /** {@code java <options> -cp <this test classpath> mainClass}, to which a caller adds arguments. */
    public static List<String> javaCommand(Class<?> mainClass) {
        return javaCommand(mainClass, DEFAULT_JVM_OPTIONS);
    }

    /** As {@link #javaCommand(Class)}, with {@code jvmOptions} (e.g. {@code -Xmx128m}) instead of the default heap. */
    public static List<String> javaCommand(Class<?> mainClass, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dio.netty.leakDetection.level=paranoid",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        return List.copyOf(cmd);
    }

    /**
     * Starts {@code mainClass --port 0 args} under {@code ulimit -n openFiles} (0 leaves the limit
     * as it is; a limit can only be lowered, which is why this needs a child process) and waits
     * until it says where it listens. A child that exits or stays silent for 20 s fails the test
     * with what it printed.
     */
    public static ChildGateway start(Class<?> mainClass, int openFiles, String... args) throws IOException {
        return start(mainClass, DEFAULT_JVM_OPTIONS, openFiles, args);
    }

    /** As {@link #start(Class, int, String...)}, with {@code jvmOptions} instead of the default heap. */
    public static ChildGateway start(Class<?> mainClass, List<String> jvmOptions, int openFiles, String... args)
            throws IOException {
        return start(javaCommand(mainClass, jvmOptions), openFiles, args);
    }

    /** {@code java -Xmx256m -jar jar --port 0 args}: a packaged gateway jar, as a user starts it. */
    public static ChildGateway startJar(Path jar, String... args) throws IOException {
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(DEFAULT_JVM_OPTIONS);
        java.addAll(List.of("-jar", jar.toString()));
        return start(java, 0, args);
    }

    private static ChildGateway start(List<String> java, int openFiles, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(java);
        cmd.add("--port");
        cmd.add("0");
        cmd.addAll(List.of(args));
        String line = String.join(" ", cmd.stream().map(ChildGateway::quote).toList());
        // exec: the shell becomes the JVM, so the Process's pid is the gateway's and signals reach it.
        Process p = new ProcessBuilder("bash", "-c", (openFiles > 0 ? "ulimit -n " + openFiles + " && " : "") + "exec " + line)
                .redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    output.add(l);
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "child-output");
        pump.setDaemon(true);
        pump.start();
        long deadline = System.nanoTime() + Patience.seconds(30).toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            for (String l : output) {
                Matcher m = LISTENING.matcher(l);
                if (m.find()) {
                    return new ChildGateway(p, Integer.parseInt(m.group(1)), output);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        p.destroyForcibly();
        throw new AssertionError("the child gateway did not start; it printed:\n" + String.join("\n", output));
    }

    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    public URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    /** Every line the child has printed so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    /**
     * The child's resident set size in KiB ({@code VmRSS} in {@code /proc/<pid>/status}), or -1
     * where there is no /proc (not Linux).
     */
    public long rssKib() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            for (String line : java.nio.file.Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** Waits until the child has printed a line containing {@code text}. */
    public void awaitOutput(String text) {
        long deadline = System.nanoTime() + Patience.seconds(15).toNanos();
        while (output.stream().noneMatch(l -> l.contains(text))) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                fail("the gateway never printed '" + text + "'; it printed:\n" + String.join("\n", output));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** SIGKILL, if it is still running. */
    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
