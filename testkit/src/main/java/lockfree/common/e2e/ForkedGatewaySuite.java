package lockfree.common.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lockfree.common.protocol.CloseCodes;
import lockfree.common.protocol.Tokens;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.ChildGateway;
import lockfree.common.testkit.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The stage's real {@code main} in a child JVM: the command line, SIGTERM, and the open-files wall
 * (a limit we can only lower for a child process). A stage runs it with
 * <pre>
 * class Stage0ForkedTest extends ForkedGatewaySuite {
 *     &#64;Override protected Class&lt;?&gt; mainClass() { return Stage0Main.class; }
 * }
 * </pre>
 */
@EnabledOnOs(OS.LINUX)
public abstract class ForkedGatewaySuite {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ChildGateway> children = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** The stage's main class, run as {@code java -cp <test classpath> mainClass args}. */
    protected abstract Class<?> mainClass();

    @AfterEach
    void killChildren() {
        children.forEach(ChildGateway::close);
        processes.forEach(Process::destroyForcibly);
    }

    /** Starts the stage's gateway {@code --port 0 args} under {@code ulimit -n openFiles} (0 = unchanged). */
    protected ChildGateway fork(int openFiles, String... args) throws IOException {
        ChildGateway child = ChildGateway.start(mainClass(), openFiles, args);
        children.add(child);
        return child;
    }

    /** Runs the stage's main with {@code args} to completion: its exit value first, then what it printed. */
    private List<String> run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(ChildGateway.javaCommand(mainClass()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(Patience.seconds(20).toMillis(), TimeUnit.MILLISECONDS));
        List<String> lines = new ArrayList<>(out.lines().toList());
        lines.add(0, "exit=" + p.exitValue());
        return lines;
    }

    // ---- tests ---------------------------------------------------------------------------

    @Test
    @DisplayName("--help lists every flag and exits 0")
    void help() throws Exception {
        List<String> out = run("--help");
        assertEquals("exit=0", out.get(0), String.join("\n", out));
        String text = String.join("\n", out);
        for (String flag : List.of("--port", "--bind", "--secret", "--max-connections", "--queue-capacity",
                "--idle-timeout", "--max-frame", "--handshake-timeout", "--rate-limit", "--api-key")) {
            assertTrue(text.contains(flag), flag + " missing from --help:\n" + text);
        }
    }

    @Test
    @DisplayName("a bad flag value is reported and exits non-zero")
    void badFlag() throws Exception {
        List<String> out = run("--port", "70000");
        assertFalse(out.get(0).equals("exit=0"), String.join("\n", out));
        assertTrue(String.join("\n", out).contains("port"), String.join("\n", out));
    }

    @Test
    @DisplayName("'token' mints a token the gateway accepts")
    void mintToken() throws Exception {
        List<String> out = run("token", "--uid", "77", "--ttl", "5m", "--secret", "abc");
        assertEquals("exit=0", out.get(0), String.join("\n", out));
        String token = out.get(out.size() - 1).trim();
        long now = Instant.now().getEpochSecond();
        assertEquals(Tokens.Verdict.VALID, new Tokens("abc").verify(token, 77, now));
        assertEquals(Tokens.Verdict.EXPIRED, new Tokens("abc").verify(token, 77, now + 301));
    }

    @Test
    @DisplayName("SIGTERM closes every session with 1001 and the process exits")
    void sigterm() throws Exception {
        ChildGateway child = fork(0);
        child.awaitOutput("any uid may log in"); // without a secret the start-up says so
        try (WsTestClient c = WsTestClient.connect(child.uri("ws", "/ws"))) {
            c.send("{\"op\":\"login\",\"uid\":1}");
            c.awaitMatching(s -> s.contains("login_ok"), Patience.seconds(5));
            child.process().destroy(); // SIGTERM
            assertEquals(CloseCodes.GOING_AWAY, c.awaitCloseCode(Patience.seconds(10)));
        }
        assertTrue(child.process().waitFor(Patience.seconds(15).toMillis(), TimeUnit.MILLISECONDS), "the gateway exits after SIGTERM");
    }

    /*
     * The open-files wall. With `ulimit -n 300` the child can hold ~300 descriptors; we open more
     * connections than that. A gateway that keeps calling accept() at the wall gets EMFILE back
     * immediately, forever, and spins a core. Ours pauses accepting below the wall: the excess
     * waits in the kernel's backlog, the process stays quiet, connections already open keep
     * working, and accepting resumes when some close.
     */
    @Test
    @DisplayName("at the open-files limit the gateway pauses accepting instead of spinning, then recovers")
    void fileDescriptorWall() throws Exception {
        ChildGateway child = fork(300, "--handshake-timeout", "60s", "--fd-reserve", "32");
        long pid = child.process().pid();
        List<Socket> flood = new ArrayList<>();
        try (Socket keepAlive = new Socket("127.0.0.1", child.port())) {
            JsonNode before = health(keepAlive);
            assertTrue(before.get("accepting").asBoolean(), before.toString());
            for (int i = 0; i < 400; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", child.port()), 2000);
                flood.add(s);
            }
            JsonNode atWall = awaitHealth(keepAlive, h -> !h.get("accepting").asBoolean());
            int held = atWall.get("connections").asInt();
            assertTrue(held < 300, "held " + held + " connections under a 300-file limit");

            long cpuBefore = cpuTicks(pid);
            Thread.sleep(2000); // a measurement window, not a wait for a condition
            long cpuUsed = cpuTicks(pid) - cpuBefore;
            long ticksPerSecond = 100; // USER_HZ on Linux
            assertTrue(cpuUsed < ticksPerSecond, "the gateway used " + cpuUsed + " ticks of CPU in 2 s at the wall: "
                    + "an accept loop is spinning");
            assertTrue(child.process().isAlive());
            child.awaitOutput("pausing accept");

            for (Socket s : flood) {
                s.close();
            }
            flood.clear();
            awaitHealth(keepAlive, h -> h.get("accepting").asBoolean());
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
        try (WsTestClient c = WsTestClient.connect(child.uri("ws", "/ws"))) {
            c.send("{\"op\":\"login\",\"uid\":3}");
            assertNotNull(c.awaitMatching(s -> s.contains("login_ok"), Patience.seconds(10)));
        }
    }

    private static JsonNode awaitHealth(Socket keepAlive, java.util.function.Predicate<JsonNode> until) throws IOException {
        long deadline = System.nanoTime() + Patience.seconds(20).toNanos();
        JsonNode h;
        while (!until.test(h = health(keepAlive))) {
            if (System.nanoTime() > deadline) {
                fail("health never matched; last: " + h);
            }
        }
        return h;
    }

    /** GET /health on an already accepted keep-alive connection (a new one might wait in the backlog). */
    private static JsonNode health(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        var in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed; got: " + head);
            }
            head.append((char) b);
        }
        Matcher m = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        assertTrue(m.find(), head.toString());
        byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
        return JSON.readTree(body);
    }

    /** utime + stime of a process, in clock ticks, from /proc/PID/stat. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
    }
}
