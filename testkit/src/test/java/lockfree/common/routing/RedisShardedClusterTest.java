package lockfree.common.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import lockfree.common.localredis.LocalRedisServer;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.RedisCluster;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway nodes joined by a local Redis Cluster (3 masters, 3 replicas, started once for the
 * class by {@link RedisCluster}): the cross-node checks of {@link CrossNodeChecks} through sharded
 * Pub/Sub, then the cluster's faults: a master killed and its replica promoted under a stream of
 * sends, then the old master back as a replica; the slots of live users' channels moved by
 * {@code redis-cli --cluster reshard}; the whole cluster down after the gateways started, and
 * absent when they start. Each fault test leaves every node running and the cluster healthy
 * (roles and slots may have moved), so the order of the tests does not matter. Without
 * redis-server and redis-cli the tests are skipped loudly, except
 * under CI, where they fail. For maintainers ({@code -Pmaintainer}): the faults are slow to inject,
 * and routing is not what a learner changes.
 */
@Tag("maintainer")
class RedisShardedClusterTest extends CrossNodeChecks {
    private static RedisCluster cluster;
    private static RedisClusterClient backendClient;
    private static StatefulRedisClusterConnection<String, String> backend;
    private static RedisClient nodeClient;
    private static final Map<Integer, StatefulRedisConnection<String, String>> perNode = new HashMap<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.startOrSkip();
    }

    @AfterAll
    static void stopCluster() {
        perNode.values().forEach(StatefulRedisConnection::close);
        if (backend != null) {
            backend.close();
            backendClient.shutdown(Duration.ofMillis(RedisLink.SHUTDOWN_QUIET_MILLIS), Duration.ofSeconds(2));
        }
        if (nodeClient != null) {
            nodeClient.shutdown(Duration.ofMillis(RedisLink.SHUTDOWN_QUIET_MILLIS), Duration.ofSeconds(2));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    URI redisUri() {
        return cluster.uri();
    }

    /** Shard subscriptions are counted per node: the sum over the nodes that are running. */
    @Override
    long subscribers(String channel) {
        long n = 0;
        for (LocalRedisServer node : cluster.nodes()) {
            if (node.isRunning()) {
                n += node(node.port()).sync().pubsubShardNumsub(channel).getOrDefault(channel, 0L);
            }
        }
        return n;
    }

    @Override
    long publishRaw(String channel, String message) {
        return backend().sync().spublish(channel, message);
    }

    private static StatefulRedisConnection<String, String> node(int port) {
        if (nodeClient == null) {
            nodeClient = RedisClient.create();
        }
        return perNode.computeIfAbsent(port, p -> nodeClient.connect(RedisURI.create("redis://127.0.0.1:" + p)));
    }

    /** A backend's cluster client, following the topology as the gateways do. */
    private static StatefulRedisClusterConnection<String, String> backend() {
        if (backend == null) {
            List<RedisURI> seeds = cluster.nodes().stream()
                    .filter(LocalRedisServer::isRunning)
                    .map(n -> RedisURI.create("redis://127.0.0.1:" + n.port())).toList();
            backendClient = RedisClusterClient.create(seeds);
            backendClient.setOptions(ClusterClientOptions.builder()
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(1)).build()) // adaptive triggers are on by default
                    .build());
            backend = backendClient.connect();
        }
        return backend;
    }

    /** The master that owns {@code channel}'s slot now, asked of the cluster itself. */
    private static RedisClusterNode ownerOf(String channel) {
        backendClient.refreshPartitions();
        Partitions partitions = backendClient.getPartitions();
        return partitions.getMasterBySlot(SlotHash.getSlot(channel));
    }

    private static LocalRedisServer serverAt(RedisClusterNode node) {
        return cluster.nodes().stream().filter(n -> n.port() == node.getUri().getPort()).findFirst()
                .orElseThrow(() -> new AssertionError("no local node on " + node.getUri()));
    }

    // ---- faults --------------------------------------------------------------------------------

    @Test
    @DisplayName("a master killed under a stream both ways: its replica takes over, every ok arrives; restarted, it rejoins as a replica and delivery goes on")
    void masterFailoverAndRejoin() {
        backend();
        Streaming s = twoNodesStreaming();
        AckLedger ledger = s.ledger();
        RedisClusterNode owner = ownerOf(RedisRouter.USER_CHANNEL + 2);
        LocalRedisServer failed = serverAt(owner);

        failed.kill(); // user 2's shard loses its master; the replica is promoted in seconds
        // Until the gateways see the new master and user 2's channel is subscribed there, sends to
        // user 2 fail (dropped) or find no subscriber (offline): never a false ok. Over once the
        // replica is master, both users are subscribed, and node A publishes there (its own view
        // of the topology lags the cluster's by up to its refresh period): 20 oks in a row.
        stream(s, 10, () -> !owner.getNodeId().equals(ownerOf(RedisRouter.USER_CHANNEL + 2).getNodeId())
                && subscribed(1) && subscribed(2) && ledger.lastAllOk(20));
        ledger.mark();
        RedisClusterNode promoted = ownerOf(RedisRouter.USER_CHANNEL + 2);
        stream(s, 50, () -> true);

        // The old master comes back on its port with its node file: the cluster makes it a
        // replica of the node that replaced it. Its shard channels (Lettuce re-subscribes its
        // old connection) hear the shard's messages too; the gateways must neither lose a
        // message to it nor deliver one twice (the ledger counts arrivals).
        failed.start();
        stream(s, 10, () -> rejoinedAsReplicaOf(owner, promoted) && cluster.isHealthy());
        stream(s, 100, () -> true);

        ledger.assertNothingAckedOkLost(Patience.seconds(10));
        assertTrue(ledger.count("dropped") + ledger.count("offline") > 0, "the failover was hit: " + ledger.summary());
        assertEquals(Map.of(), ledger.notOkSinceMark(),
                "once the replica took over, all acked ok, through the old master's return; " + ledger.summary());
        assertEquals(promoted.getNodeId(), ownerOf(RedisRouter.USER_CHANNEL + 2).getNodeId(), "the promoted replica stays master");
    }

    /** Whether the cluster now lists {@code node} as a replica of {@code master}. */
    private static boolean rejoinedAsReplicaOf(RedisClusterNode node, RedisClusterNode master) {
        backendClient.refreshPartitions();
        RedisClusterNode now = backendClient.getPartitions().getPartitionByNodeId(node.getNodeId());
        return now != null && now.is(RedisClusterNode.NodeFlag.REPLICA) && master.getNodeId().equals(now.getSlaveOf());
    }

    @Test
    @DisplayName("resharding moves the slot of a live user's channel: no subscription is lost, every ok arrives")
    void reshardingKeepsSubscriptions() throws Exception {
        Gateway a = node();
        Gateway b = node();
        backend();
        backendClient.refreshPartitions();
        // redis-cli moves a source's slots lowest first. The moving user is one whose channel's
        // slot is among the lowest ten of its master, so that moving at most ten slots moves it
        // (a reshard of thousands of slots takes longer than a test should), and the old owner
        // keeps slots, so it still votes in failover elections (a master without slots does not).
        long moving = 2;
        while (rankInOwner(RedisRouter.USER_CHANNEL + moving) >= 10) {
            moving++;
        }
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, moving);
        RedisClusterNode from = ownerOf(RedisRouter.USER_CHANNEL + moving);
        RedisClusterNode to = backendClient.getPartitions().stream()
                .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getNodeId().equals(from.getNodeId())
                        && !n.getSlots().isEmpty() && serverAt(n).isRunning())
                .findFirst().orElseThrow();
        int slots = rankInOwner(RedisRouter.USER_CHANNEL + moving) + 1;
        AckLedger ledger = new AckLedger(List.of(u1, u2));
        long uid2 = moving;
        stream(ledger, u1, 1, u2, uid2, 50, () -> true);

        // Redis drops the channel's subscription on the old owner when its slot leaves; the
        // gateway must subscribe at the new owner, while the stream goes on.
        CompletableFuture<String> reshard = CompletableFuture.supplyAsync(() -> cluster.cli("reshard",
                "127.0.0.1:" + serverAt(to).port(), "--cluster-from", from.getNodeId(), "--cluster-to", to.getNodeId(),
                "--cluster-slots", Integer.toString(slots), "--cluster-yes"));
        stream(ledger, u1, 1, u2, uid2, 10, () -> reshard.isDone() && subscribed(1) && subscribed(uid2));
        reshard.get(); // rethrows a failed reshard
        // redis-cli tells the source and the target; the other nodes learn the new owner by gossip,
        // and refreshPartitions may take its view from one of them: wait until the cluster agrees.
        await(() -> to.getNodeId().equals(ownerOf(RedisRouter.USER_CHANNEL + uid2).getNodeId()),
                "the user's slot moved to " + to.getNodeId());
        ledger.mark();
        stream(ledger, u1, 1, u2, uid2, 100, () -> true);

        ledger.assertNothingAckedOkLost(Patience.seconds(10));
        assertEquals(Map.of(), ledger.notOkSinceMark(), "after the reshard, all acked ok; " + ledger.summary());
    }

    /** How many of its master's slots are lower than {@code channel}'s (topology as last refreshed). */
    private static int rankInOwner(String channel) {
        int slot = SlotHash.getSlot(channel);
        RedisClusterNode owner = backendClient.getPartitions().getMasterBySlot(slot);
        return (int) owner.getSlots().stream().filter(s -> s < slot).count();
    }

    @Test
    @DisplayName("the whole cluster down after start: /health says degraded, sends and multicasts are acked dropped; back, it says ok and delivery resumes")
    void clusterDownAfterStart() {
        Streaming s = twoNodesStreaming();
        Gateway a = s.a();
        Gateway b = s.b();
        WsTestClient u3 = login(a, 3); // multicasts from here, beside the ledger's stream
        assertEquals("ok", health(a).get("status").asText());
        List<LocalRedisServer> running = cluster.nodes().stream().filter(LocalRedisServer::isRunning).toList();

        streamThroughOutage(s, () -> running.forEach(LocalRedisServer::kill),
                () -> "degraded".equals(health(a).get("status").asText()) && "degraded".equals(health(b).get("status").asText()),
                () -> {
                    assertEquals("down", health(a).get("router").get("state").asText());
                    assertEquals(0, metric(a, "gateway_router_up"));
                    // Every remote copy could not be confirmed: dropped, not offline (user 2 is logged in).
                    u3.send("{\"op\":\"multicast\",\"to\":[2],\"data\":\"nowhere\",\"id\":\"c1\"}");
                    JsonNode ack = awaitAck(u3);
                    assertEquals("dropped", ack.get("status").asText(), ack.toString());
                    assertEquals(0, ack.get("delivered").asInt());
                },
                () -> running.forEach(LocalRedisServer::start), // each with its node file: the same cluster
                // Back once both nodes say ok, every node is, both users' channels are subscribed
                // again and 20 sends in a row were acked ok.
                () -> "ok".equals(health(a).get("status").asText()) && "ok".equals(health(b).get("status").asText())
                        && cluster.isHealthy() && subscribed(1) && subscribed(2) && s.ledger().lastAllOk(20));
        assertEquals(1, metric(a, "gateway_router_up"));
    }

    @Test
    @DisplayName("the whole cluster down at start: the gateway starts degraded, says so, and joins when it appears")
    void clusterAbsentAtStart() {
        try (RedisCluster later = RedisCluster.notStartedOrSkip()) {
            Gateway a = node(later.uri());
            assertEquals("degraded", health(a).get("status").asText());
            assertEquals("down", health(a).get("router").get("state").asText());
            WsTestClient u1 = loginOnly(a.port(), 1);

            later.start();
            awaitFor(30, () -> "ok".equals(health(a).get("status").asText()), "node A connects once the cluster is up");
            Gateway b = node(later.uri());
            WsTestClient u2 = loginOnly(b.port(), 2);
            // Subscriptions are checked through the delivery itself: an ack ok means Redis found
            // user 2's subscriber, and then the message must arrive.
            awaitFor(30, () -> {
                u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"hello\",\"id\":\"p\"}");
                return "ok".equals(awaitAck(u1).get("status").asText());
            }, "a send from node A to node B's user is acked ok");
            assertEquals("hello", awaitMsg(u2).get("data").asText());
            clients.forEach(WsTestClient::close);
            gateways.forEach(Gateway::stop);
            clients.clear();
            gateways.clear();
        }
    }
}
