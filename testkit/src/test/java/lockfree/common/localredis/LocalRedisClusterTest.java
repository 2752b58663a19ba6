package lockfree.common.localredis;

import lockfree.common.testkit.Patience;
import lockfree.common.transport.GatewayConfig;
import lockfree.common.testkit.ChildGateway;
import lockfree.common.testkit.RedisCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learner's one command for a local cluster, and the {@code --redis} forms. */
class LocalRedisClusterTest {
    private static final String URI_LINE = "Start gateways with:  --redis ";

    @Test
    @DisplayName("--redis takes redis://host:port or redis-cluster://host:port[,host:port...], nothing else")
    void redisOptionForms() {
        GatewayConfig c = GatewayConfig.defaults();
        assertEquals("redis-cluster", c.withRedis(URI.create("redis-cluster://127.0.0.1:7000,127.0.0.1:7001"))
                .redis().getScheme());
        assertEquals("redis", c.withRedis(URI.create("redis://127.0.0.1:6379")).redis().getScheme());
        for (String bad : List.of("redis-cluster:///", "http://127.0.0.1:6379", "rediss-cluster://h:1")) {
            assertThrows(IllegalArgumentException.class, () -> c.withRedis(URI.create(bad)), bad);
        }
    }

    @Test
    @DisplayName("the learner's command starts 3 masters + 3 replicas, prints --redis, and removes them all on SIGTERM")
    void learnersCommand() throws Exception {
        RedisCluster.notStartedOrSkip().close(); // the skip rule for missing binaries; nothing started
        List<String> command = new ArrayList<>(ChildGateway.javaCommand(LocalRedisCluster.class));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        List<Integer> ports = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + Patience.seconds(60).toNanos();
            List<String> seen = new ArrayList<>();
            while (ports.isEmpty()) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertNotNull(line, "no '" + URI_LINE + "' line within 60 s; printed: " + seen);
                seen.add(line);
                if (line.startsWith(URI_LINE)) {
                    URI uri = URI.create(line.substring(URI_LINE.length()).trim());
                    assertEquals("redis-cluster", uri.getScheme());
                    for (String hostPort : uri.getRawAuthority().split(",")) {
                        ports.add(Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)));
                    }
                }
            }
            assertEquals(6, ports.size());
            int masters = 0;
            for (int port : ports) {
                String info = LocalRedisServer.inline(port, "CLUSTER INFO");
                assertTrue(info != null && info.contains("cluster_state:ok"), port + ": " + info);
                masters += LocalRedisServer.inline(port, "INFO replication").contains("role:master") ? 1 : 0;
            }
            assertEquals(3, masters);
        } finally {
            p.destroy(); // SIGTERM, as Ctrl-C's shutdown hook would run
            assertTrue(p.waitFor(Patience.seconds(30).toMillis(), TimeUnit.MILLISECONDS), "the launcher stops on SIGTERM");
        }
        for (int port : ports) {
            assertNull(LocalRedisServer.inline(port, "PING"), "node " + port + " was stopped with the launcher");
        }
    }
}
