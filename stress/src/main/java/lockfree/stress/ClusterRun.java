package lockfree.stress;

import lockfree.common.localredis.LocalRedisCluster;
import lockfree.common.localredis.LocalRedisServer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code REDIS=cluster}: the scale-out run's gateways joined through a local Redis Cluster (three
 * masters, three replicas, sharded Pub/Sub) instead of one {@code redis-server}; one fresh
 * cluster per stage, as {@code REDIS=auto} starts one fresh server per stage.
 *
 * <p>The nodes get Redis's default node timeout (15 s), not the one second the fault tests use to
 * fail over quickly: on a machine this loaded (every gateway, client and Redis process sharing a
 * few cores) a node that is busy for a second would be voted out in the middle of a measurement.
 */
final class ClusterRun {
    static final int NODE_TIMEOUT_MILLIS = 15_000;

    private ClusterRun() {
    }

    /** Starts the six nodes, creates the cluster and returns once it is healthy. */
    static LocalRedisCluster start() throws IOException {
        Path binary = LocalRedisServer.findBinary().orElseThrow(() -> new IOException(
                "REDIS=cluster needs redis-server and redis-cli on the PATH (apt-get install redis-server, "
                        + "brew install redis) or in $REDIS_SERVER and $REDIS_CLI; or pass REDIS=redis-cluster://host:port,..."));
        LocalRedisCluster cluster;
        try {
            cluster = new LocalRedisCluster(binary, NODE_TIMEOUT_MILLIS);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        try {
            cluster.start();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }
}
