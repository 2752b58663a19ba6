package lockfree.stress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lockfree.common.testkit.ChildGateway;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.RedisCluster;
import lockfree.common.testkit.RedisServer;
import lockfree.common.testkit.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the packaged jars carry (the parent pom's shade configuration says why): a stage's gateway
 * jar holds the gateway and what it runs on Linux, and nothing of this tool; the tool's own jar
 * holds the tool. Runs after {@code package} (failsafe), when the jars exist.
 */
class GatewayJarIT {
    /** The only natives a gateway loads: epoll on the two Linux architectures it is built for. */
    private static final Pattern KEPT_NATIVE =
            Pattern.compile("META-INF/native/libnetty_transport_native_epoll_(x86_64|aarch_64)\\.so");
    /** Parts the gateway never loads (parent pom, shade plugin); any of them back in the jar means a filter stopped working. */
    private static final List<String> LEFT_OUT_PACKAGES = List.of(
            "lockfree/stress/", "io/netty/handler/codec/quic/", "io/netty/handler/codec/http3/",
            "io/netty/handler/codec/http2/", "io/netty/handler/codec/spdy/", "io/netty/handler/codec/rtsp/",
            "io/netty/handler/codec/mqtt/", "io/netty/channel/kqueue/", "io/netty/channel/uring/",
            "io/netty/channel/sctp/", "io/netty/channel/udt/", "io/lettuce/core/dynamic/",
            "io/lettuce/core/failover/", "io/lettuce/core/api/coroutines/", "io/lettuce/core/support/",
            "io/netty/handler/codec/compression/", "io/netty/handler/codec/http/multipart/", "io/netty/handler/ssl/util/",
            "org/jctools/queues/atomic/", "com/fasterxml/jackson/core/internal/shaded/fdp/", "META-INF/versions/",
            // The gateway speaks JSON through jackson-core's streaming API (Protocol); databind is the tools'.
            "com/fasterxml/jackson/databind/", "com/fasterxml/jackson/annotation/",
            // The benchmarks and the exercises have jars and class paths of their own.
            "lockfree/bench/", "org/openjdk/jmh/", "lockfree/exercises/");
    /**
     * The bound: a third of what a jar weighs with netty-all (26,847,965 bytes). A new
     * dependency, or a filter that stopped working, shows (the parent pom says what is left).
     */
    private static final long MAX_GATEWAY_JAR_BYTES = 26_847_965 / 3;

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    /** Everything wrong with a gateway jar, one line each; empty when it carries only the gateway. */
    static List<String> problems(Path jar, String mainClass) throws IOException {
        List<String> problems = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
            if (!mainClass.equals(main)) {
                problems.add("Main-Class is " + main + ", not " + mainClass);
            }
            if (file.getEntry("lockfree/common/transport/Gateway.class") == null) {
                problems.add("no lockfree/common/transport/Gateway.class: not a gateway jar");
            }
            file.stream().map(JarEntry::getName).forEach(name -> {
                if (name.startsWith("META-INF/native/") && !name.endsWith("/") && !KEPT_NATIVE.matcher(name).matches()) {
                    problems.add("native of another platform or transport: " + name);
                }
                if (name.matches("(.*/)?LocalRedis(Server|Cluster)(\\$.*)?\\.class")) {
                    problems.add("a redis-server launcher of the tests, the stress tool and README's local cluster: " + name);
                }
                LEFT_OUT_PACKAGES.stream().filter(name::startsWith).findFirst()
                        .ifPresent(p -> problems.add("left-out package " + p + ": " + name));
            });
        }
        long size = Files.size(jar);
        if (size > MAX_GATEWAY_JAR_BYTES) {
            problems.add(jar.getFileName() + " is " + size + " bytes, over " + MAX_GATEWAY_JAR_BYTES);
        }
        return problems;
    }

    @Test
    void eachStagesGatewayJarCarriesOnlyTheGateway() throws IOException {
        for (int stage = 0; stage <= 3; stage++) {
            Path jar = Coordinator.stageJar(ROOT, stage);
            assertEquals(List.of(), problems(jar, "lockfree.stage" + stage + ".Stage" + stage + "Main"), jar.toString());
        }
    }

    @Test
    void theStressJarRunsTheToolAndCarriesTheRedisLauncher() throws IOException {
        try (JarFile file = new JarFile(ROOT.resolve("stress/target/stress.jar").toFile())) {
            assertEquals(StressMain.class.getName(), file.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS));
            assertTrue(file.getEntry("lockfree/stress/StressMain.class") != null);
            assertTrue(file.getEntry("lockfree/common/localredis/LocalRedisServer.class") != null, "REDIS=auto starts redis-server with it");
            assertTrue(file.getEntry("lockfree/common/localredis/LocalRedisCluster.class") != null, "README's local cluster command runs it from this jar");
        }
    }

    /** The check itself: a jar with each kind of unwanted content is rejected, naming it. */
    @Test
    void theCheckRejectsAJarWithTheToolsForeignNativesOrOverTheBound(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("bad-gateway.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "lockfree.stage3.Stage3Main");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (String name : List.of("lockfree/common/transport/Gateway.class", "lockfree/stress/StressMain.class",
                    "lockfree/common/localredis/LocalRedisServer.class", "lockfree/common/localredis/LocalRedisCluster.class",
                    "META-INF/native/libnetty_transport_native_epoll_x86_64.so",
                    "META-INF/native/libnetty_transport_native_kqueue_aarch_64.jnilib",
                    "META-INF/native/libnetty_quiche42_linux_x86_64.so", "io/netty/handler/codec/http3/Http3.class",
                    "com/fasterxml/jackson/databind/ObjectMapper.class", "lockfree/bench/Report.class")) {
                out.putNextEntry(new JarEntry(name));
                out.write(0);
                out.closeEntry();
            }
            // Random bytes do not compress: the jar ends up just over the bound.
            byte[] noise = new byte[(int) MAX_GATEWAY_JAR_BYTES];
            new Random(15).nextBytes(noise);
            out.putNextEntry(new JarEntry("noise.bin"));
            out.write(noise);
            out.closeEntry();
        }
        List<String> found = problems(jar, "lockfree.stage3.Stage3Main");
        assertEquals(9, found.size(), String.join("\n", found));
        for (String expected : List.of("lockfree/stress/StressMain.class", "LocalRedisServer.class", "LocalRedisCluster.class",
                "kqueue_aarch_64.jnilib", "quiche42_linux_x86_64.so", "http3/Http3.class", "databind/ObjectMapper.class",
                "lockfree/bench/Report.class", "bytes, over " + MAX_GATEWAY_JAR_BYTES)) {
            assertTrue(found.stream().anyMatch(p -> p.contains(expected)), expected + " not reported in " + found);
        }
        assertEquals(List.of("Main-Class is lockfree.stage3.Stage3Main, not lockfree.stage0.Stage0Main"),
                problems(jar, "lockfree.stage0.Stage0Main").subList(0, 1));
    }

    /**
     * The jars run: a filter that leaves out a class the gateway loads (by name from a native
     * library, by ServiceLoader, by reflection, or on a path only Redis takes) would show only at
     * run time. Each stage's jar, started as a user starts it, on Redis: two users exchange a message
     * and a broadcast through it, the dashboard page and its uPlot files are served, and it says
     * it runs on epoll and logs through slf4j-simple. Stage 3's also joins a Redis Cluster
     * (Lettuce's cluster client); every stage's gateway code around Lettuce is common's.
     */
    @Test
    void eachStagesGatewayJarRunsOnRedisAndServesTheDashboard() throws IOException {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            for (int stage = 0; stage <= 3; stage++) {
                exchangeThrough(Coordinator.stageJar(ROOT, stage), redis.uri());
            }
        }
        try (RedisCluster cluster = RedisCluster.startOrSkip()) {
            exchangeThrough(Coordinator.stageJar(ROOT, 3), cluster.uri());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Patience.seconds(20);

    private static void exchangeThrough(Path jar, URI redis) throws IOException {
        try (ChildGateway g = ChildGateway.startJar(jar, "--redis", redis.toString())) {
            String what = jar.getFileName() + " on " + redis + "; it printed:\n" + String.join("\n", g.output());
            assertTrue(g.output().stream().anyMatch(l -> l.contains("(epoll transport, redis router)")),
                    "logs through slf4j-simple, on epoll, with the Redis router: " + what);
            WsTestClient alice = WsTestClient.connect(g.uri("ws", "/ws"));
            WsTestClient bob = WsTestClient.connect(g.uri("ws", "/ws"));
            try {
                alice.send("{\"op\":\"login\",\"uid\":1}");
                bob.send("{\"op\":\"login\",\"uid\":2}");
                alice.awaitMatching("\"login_ok\"", WAIT);
                bob.awaitMatching("\"login_ok\"", WAIT);
                alice.send("{\"op\":\"send\",\"to\":2,\"data\":{\"n\":1e400},\"id\":\"a\"}");
                assertEquals("{\"op\":\"msg\",\"from\":1,\"data\":{\"n\":1e400}}", bob.awaitMatching("\"msg\"", WAIT), what);
                assertEquals("ok", json(alice.awaitMatching("\"ack\"", WAIT)).get("status").asText(), what);
                bob.send("{\"op\":\"broadcast\",\"data\":[2],\"id\":7}");
                assertTrue(alice.awaitMatching("\"msg\"", WAIT).contains("\"data\":[2]"), what);
            } finally {
                alice.close();
                bob.close();
            }
            JsonNode health = json(Http.get(g.uri("http", "/health")).body());
            assertEquals("up", health.path("router").path("state").asText(), health + " " + what);
            Http.Response page = Http.get(g.uri("http", "/"));
            assertEquals(200, page.status(), what);
            List<String> assets = Pattern.compile("/webjars/[^\"]+").matcher(page.body()).results().map(m -> m.group()).toList();
            assertEquals(2, assets.size(), "the page loads uPlot's script and style: " + assets);
            for (String asset : assets) {
                assertEquals(200, Http.get(g.uri("http", asset)).status(), asset + " from " + what);
            }
            assertFalse(g.output().stream().anyMatch(l -> l.contains("NoClassDefFoundError") || l.contains("ClassNotFoundException")
                    || l.contains("SLF4J(W)")), what);
        }
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
