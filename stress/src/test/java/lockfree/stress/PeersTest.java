package lockfree.stress;

import lockfree.common.testkit.Patience;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each peer (docs/STRESS.md, "Two peers"), started the way the coordinator starts it, speaks what
 * the tool's scenarios need, through the tool's own client: login, send answered by an ack and
 * delivered, a push to all and to a list of users answered with how many it reached; and the
 * coordinator can read its CPU, RSS and heap. No speed is asserted.
 *
 * <p>The ws peer needs Node.js and its installed package: without them the test is skipped,
 * loudly, or fails when CI is set.
 *
 * <p>For maintainers ({@code -Pmaintainer}): the peers are the stress tool's measurement fixtures,
 * not part of the gateway a learner builds.
 */
@Tag("maintainer")
class PeersTest {
    /* The project root: surefire runs in the stress module's directory. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    private GatewayProcess peer;

    @AfterEach
    void stop() throws InterruptedException {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void theVertxPeerSpeaksTheScenariosAndIsMeasuredLikeAStage() throws Exception {
        Path jar = Coordinator.vertxJar(ROOT); // the reactor builds it first (the stress pom names the module)
        exercise(GatewayProcess.start(JAVA, List.of("-jar", jar.toString()), freePort(), List.of(), List.of(),
                log("vertx")));
    }

    @Test
    void theWsPeerSpeaksTheScenariosAndIsMeasuredLikeAStage() throws Exception {
        List<String> node;
        try {
            node = Coordinator.nodeCommand(ROOT);
        } catch (IOException missing) {
            skipOrFail("WS PEER TEST NOT RUN: " + missing.getMessage());
            return;
        }
        exercise(GatewayProcess.start(node, freePort(), List.of(), log("ws"), GatewayProcess.Heap.NODE_ENDPOINT));
    }

    @Test
    void thePeersAreTargetsByNameAllStaysTheStagesAndTheLimitAndARouterRefusesThem() throws Exception {
        assertEquals(List.of(new Target.Stage(0), new Target.Stage(3), Target.LIMIT, Target.Peer.WS, Target.Peer.VERTX),
                parse("--stage", "0,3,limit,ws,vertx").targets());
        assertEquals(List.of(Target.Peer.VERTX), parse("--stage", "VertX").targets());
        assertTrue(parse("--stage", "all").targets().stream().noneMatch(t -> t instanceof Target.Peer),
                "all: the four stages and the limit, the peers only by name");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> parse("--stage", "3,ws", "--redis", "auto"));
        assertTrue(e.getMessage().contains("peers"), e.getMessage());
    }

    @Test
    void theVertxPeerIsLaunchedFromItsOwnJarInItsOwnJvmWithoutGatewayFlags() throws Exception {
        Coordinator c = new Coordinator(parse("--root", ROOT.toString(), "--stage", "vertx"),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
        Coordinator.Launch vertx = c.launch(Target.Peer.VERTX);
        assertEquals(new Coordinator.Launch("vertx", List.of("-jar", Coordinator.vertxJar(ROOT).toString()), false, true), vertx);
    }

    private static StressSettings parse(String... args) {
        picocli.CommandLine cli = StressMain.commandLine(new java.io.PrintStream(new java.io.ByteArrayOutputStream()), args);
        cli.parseArgs(args);
        return ((StressMain) cli.getCommand()).settings();
    }

    private void exercise(GatewayProcess started) throws Exception {
        peer = started;
        peer.awaitHealthy(Patience.seconds(60));
        assertTrue(peer.liveHeapBytes(JCMD).isPresent(), "the heap before the users connect can be read");

        WorkerResult unicast = StressEndToEndTest.runOne(spec(50, 4, Scenario.UNICAST, 2000));
        assertEquals(new Counts(200, 200, 0, 0, 200, 200), unicast.counts(), "every send delivered and acked ok");
        assertEquals(200, Latency.decode(unicast.latencyHistogram()).getTotalCount(), "every msg carried its send time");
        assertEquals(0, unicast.unexpectedFrames(), String.valueOf(unicast.firstFailure()));

        WorkerResult broadcast = StressEndToEndTest.runOne(spec(30, 2, Scenario.BROADCAST, 20));
        assertEquals(new Counts(60, 60, 0, 0, 2, 2), broadcast.counts(), "2 pushes x 30 users, each accepted by all 30");
        assertEquals(null, broadcast.firstFailure());

        try (LoadWorker w = new LoadWorker(spec(3, 0, Scenario.IDLE, 1))) {
            assertEquals(3, w.connect());
            // HTTP/1.1, as the tool's pusher sends it (the JDK's default would ask for an h2c upgrade).
            HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + peer.port() + "/push"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":[1,3,99],\"data\":{\"t\":" + System.nanoTime() + "}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, answer.statusCode(), answer.body());
            assertEquals("{\"accepted\":2}", answer.body(), "users 1 and 3 are here, 99 is not");
            long deadline = System.nanoTime() + Patience.seconds(10).toNanos();
            while (w.counts().delivered() < 2 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertEquals(2, w.counts().delivered(), "the push reached users 1 and 3");
        }

        assertTrue(peer.cpuNanos().orElse(0) > 0, "CPU time is read from /proc/<pid>/stat");
        assertTrue(peer.rssBytes().orElse(0) > 0, "RSS is read from /proc/<pid>/status");
        assertTrue(peer.liveHeapBytes(JCMD).orElse(0) > 0, "the live heap is read");
        assertTrue(GatewayProcess.metricSum(peer.metrics(), "gateway_pushes_dropped_total") == 0,
                "the one counter the tool reads is there");
    }

    private WorkerSpec spec(int users, int msgs, Scenario scenario, double rate) throws Exception {
        return new WorkerSpec("127.0.0.1", peer.port(), 1, users, msgs, scenario, rate, false,
                List.of(InetAddress.getByName("127.0.0.1")), 2, 50, Patience.seconds(20), Patience.seconds(20), 0, true);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Path log(String name) throws IOException {
        Path dir = ROOT.resolve("stress").resolve("target").resolve("peers-test");
        Files.createDirectories(dir);
        return dir.resolve(name + ".log");
    }

    /** Skips, loudly; under CI fails instead (as the Redis and browser tests do). */
    private static void skipOrFail(String reason) {
        if (System.getenv("CI") != null) {
            throw new AssertionError(reason + " CI is set, so this fails instead of skipping.");
        }
        System.err.println("*** " + reason);
        Assumptions.abort(reason);
    }
}
