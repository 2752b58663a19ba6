package lockfree.common.testkit;

import lockfree.common.localredis.LocalRedisCluster;
import lockfree.common.localredis.LocalRedisServer;
import org.junit.jupiter.api.Assumptions;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A throw-away Redis Cluster (3 masters, 3 replicas) on loopback ports for integration tests: the
 * project's {@link LocalRedisCluster}, plus the test rule for missing binaries, as
 * {@link RedisServer} has it for one server.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.startOrSkip()) {
 *     Gateway a = Gateway.start(stage, config.withRedis(cluster.uri()));
 *     cluster.nodes().get(0).kill();   // a master dies; its replica takes over
 * }
 * }</pre>
 */
public final class RedisCluster implements AutoCloseable {
    private final LocalRedisCluster cluster;

    private RedisCluster(LocalRedisCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts a cluster (a few seconds), or skips the test (fails it under CI) without the binaries. */
    public static RedisCluster startOrSkip() {
        RedisCluster c = notStartedOrSkip();
        c.start();
        return c;
    }

    /** A cluster whose nodes are not running yet; {@link #start()} it when the test wants. */
    public static RedisCluster notStartedOrSkip() {
        Path server = RedisServer.binaryOrSkip();
        if (LocalRedisCluster.findCli(server).isEmpty()) {
            RedisServer.skipOrFail("REDIS CLUSTER TESTS NOT RUN: no redis-cli beside " + server
                    + ", on the PATH or in $REDIS_CLI (it comes with redis-server: apt-get install redis-server).");
        }
        return new RedisCluster(new LocalRedisCluster(server));
    }

    /** Starts the six nodes and creates the cluster; returns once it is healthy. */
    public void start() {
        cluster.start();
    }

    /** {@code redis-cluster://127.0.0.1:<p1>,...}, what {@code --redis} takes. */
    public URI uri() {
        return cluster.uri();
    }

    /** The six nodes, masters first as created. */
    public List<LocalRedisServer> nodes() {
        return cluster.nodes();
    }

    /** Runs {@code redis-cli --cluster <args...>} (e.g. a reshard) and returns its output. */
    public String cli(String... args) {
        return cluster.cli(args);
    }

    /** Waits until every running node is ok and every replica in sync. */
    public void awaitHealthy(int seconds) {
        cluster.awaitHealthy(seconds);
    }

    /** Whether every running node is ok and every running replica in sync, now. */
    public boolean isHealthy() {
        return cluster.isHealthy();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
