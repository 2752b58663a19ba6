package lockfree.common.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import lockfree.common.testkit.ChildGateway;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.RedisServer;
import lockfree.common.testkit.SynchronizedStage;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway nodes joined by a real {@code redis-server} on a loopback port: the cross-node
 * checks of {@link CrossNodeChecks}, the subscriptions gauge, and the faults of one Redis (absent
 * at start, restarted, a subscriber dropped, a gateway node killed). Without a redis-server binary
 * the tests are skipped with the reason printed, except under CI, where they fail
 * ({@link RedisServer#binaryOrSkip}).
 */
class RedisClusterTest extends CrossNodeChecks {
    private final List<ChildGateway> children = new ArrayList<>();
    private RedisServer redis;
    private RedisClient backendClient;
    private StatefulRedisConnection<String, String> backendConnection;

    @AfterEach
    void stopEverything() {
        children.forEach(ChildGateway::close);
        if (backendConnection != null) {
            backendConnection.close();
        }
        if (backendClient != null) {
            backendClient.shutdown(Duration.ofMillis(RedisLink.SHUTDOWN_QUIET_MILLIS), Duration.ofSeconds(2));
        }
        if (redis != null) {
            redis.close();
        }
    }

    private RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.startOrSkip();
        }
        return redis;
    }

    @Override
    URI redisUri() {
        return redis().uri();
    }

    @Override
    long subscribers(String channel) {
        return backend().pubsubNumsub(channel).get(channel);
    }

    @Override
    long publishRaw(String channel, String message) {
        return backend().publish(channel, message);
    }

    /** What a backend sees: a plain Redis client (Lettuce's sync API, as redis-cli would do it). */
    private RedisCommands<String, String> backend() {
        if (backendConnection == null) {
            backendClient = RedisClient.create(redis().uri().toString());
            backendConnection = backendClient.connect();
        }
        return backendConnection.sync();
    }

    // ---- one Redis only --------------------------------------------------------------------------

    @Test
    @DisplayName("the subscriptions gauge counts channels Redis has confirmed, not SUBSCRIBEs sent")
    void subscriptionsGaugeWaitsForRedis() {
        Gateway a = node();
        WsTestClient first = login(a, 1);
        await(() -> metric(a, "gateway_router_subscriptions") == 1, "user 1's channel confirmed");
        // Redis now holds every client's commands for 3 s (a wide margin for a loaded machine to
        // log in and look within), so the next login's SUBSCRIBE is written but not answered. A
        // gauge that counted what was sent would say 2 within a millisecond or two of login_ok;
        // the stress tool would then start sending, and a publish from another node could find no
        // subscriber.
        backend().clientPause(3000);
        WsTestClient second = loginOnly(a.port(), 2);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // time for a wrong gauge to move
        assertEquals(1, metric(a, "gateway_router_subscriptions"), "user 2's SUBSCRIBE is not confirmed yet");
        await(() -> metric(a, "gateway_router_subscriptions") == 2, "user 2's channel confirmed after the pause");
        second.close();
        await(() -> metric(a, "gateway_router_subscriptions") == 1, "user 2's UNSUBSCRIBE confirmed");
        first.close();
        await(() -> metric(a, "gateway_router_subscriptions") == 0, "no user channel left");
    }

    // ---- faults --------------------------------------------------------------------------------

    @Test
    @DisplayName("Redis unreachable at start: the node starts degraded, delivers locally, connects later")
    void redisAbsentAtStart() {
        RedisServer later = RedisServer.onFreePortOrSkip();
        redis = later; // stopped by @AfterEach
        Gateway a = node(later.uri());
        JsonNode h = health(a);
        assertEquals("degraded", h.get("status").asText(), h.toString());
        assertEquals("redis", h.get("router").get("kind").asText());
        assertEquals("down", h.get("router").get("state").asText());
        assertEquals(0, metric(a, "gateway_router_up"));

        WsTestClient u1 = loginOnly(a.port(), 1);
        WsTestClient u3 = loginOnly(a.port(), 3);
        assertSentNext(u1, 3, "local works", u3);
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"nowhere to go\",\"id\":\"x\"}");
        assertEquals("dropped", awaitAck(u1).get("status").asText(), "a remote push while down is refused, not faked");
        assertEquals(1, metric(a, "gateway_router_dropped_total{reason=\"redis_down\"}"));
        // A multicast none of whose copies could be confirmed is dropped too, not offline.
        u1.send("{\"op\":\"multicast\",\"to\":[2,4],\"data\":\"nowhere either\",\"id\":\"y\"}");
        JsonNode multicast = awaitAck(u1);
        assertEquals("dropped", multicast.get("status").asText(), multicast.toString());
        assertEquals(0, multicast.get("delivered").asInt());

        later.start();
        await(() -> "ok".equals(health(a).get("status").asText()), "node A connects once Redis is up");
        assertEquals(1, metric(a, "gateway_router_up"));
        awaitSubscribers(1, 1); // users logged in while down were subscribed on connect
        Gateway b = node();
        WsTestClient u2 = login(b, 2);
        assertSentNext(u1, 2, "now it goes", u2);
        assertSentNext(u2, 3, "and back", u3);
    }

    @Test
    @DisplayName("Redis restarted mid-run: pushes meanwhile are counted as dropped, then both nodes resubscribe")
    void redisRestart() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, 2);
        assertSentNext(u1, 2, "before", u2);

        redis().kill();
        await(() -> !a.router().isUp() && !b.router().isUp(), "both nodes notice Redis is gone");
        assertEquals("degraded", health(a).get("status").asText());
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"during\",\"id\":1}");
        assertEquals("dropped", awaitAck(u1).get("status").asText());
        assertEquals(1, metric(a, "gateway_router_dropped_total{reason=\"redis_down\"}"));

        redis().start(); // empty: no subscriptions survive
        await(() -> a.router().isUp() && b.router().isUp(), "both nodes reconnect by themselves");
        awaitSubscribers(1, 1);
        awaitSubscribers(2, 1);
        assertTrue(metric(a, "gateway_router_connects_total") >= 2);
        assertSentNext(u1, 2, "after", u2); // "during" was dropped, not delivered late
        u2.send("{\"op\":\"broadcast\",\"data\":\"all after\"}");
        assertEquals("all after", awaitMsg(u1).get("data").asText());
    }

    @Test
    @DisplayName("a node re-subscribing: sends meanwhile are answered offline, never ok and lost")
    void ackedOkIsNeverLostWhileResubscribing() {
        Streaming s = twoNodesStreaming();
        Gateway b = s.b();
        AckLedger ledger = s.ledger();

        // Node B's subscriber connection alone goes (as when Redis drops a slow subscriber): node A
        // stays connected and keeps publishing to user 2's channel, which has no subscriber until
        // B has reconnected and Redis has confirmed its SUBSCRIBE again. B closes its publisher
        // too; Redis then refuses B's reconnection attempts (only A's two connections and this
        // backend's fit under maxclients 3), so the window stays open for a known stretch of the
        // stream however slow this machine is, instead of the 50 ms of B's first retry.
        double connects = metric(b, "gateway_router_connects_total");
        backend().configSet("maxclients", "3");
        backend().clientKill(KillArgs.Builder.id(subscriberOf(b)));
        stream(s, 50, () -> true);
        backend().configSet("maxclients", "10000");
        stream(s, 10, () -> metric(b, "gateway_router_connects_total") > connects && subscribed(2));
        ledger.mark();
        stream(s, 100, () -> true);

        ledger.assertNothingAckedOkLost(Patience.seconds(10));
        assertTrue(ledger.count("offline") > 0, "the re-subscription window was hit: " + ledger.summary());
        assertEquals(Map.of(), ledger.notOkSinceMark(), "once B was back, all acked ok; " + ledger.summary());
    }

    /** The id Redis gives node {@code g}'s subscriber connection: named after the node, flag P. */
    private long subscriberOf(Gateway g) {
        String name = " name=gateway-" + ((RedisRouter) g.router()).nodeId() + " ";
        for (String line : backend().clientList().split("\n")) {
            if (line.contains(name) && line.matches(".* flags=[^ ]*P.*")) {
                return Long.parseLong(line.substring(line.indexOf("id=") + 3, line.indexOf(' ')));
            }
        }
        throw new AssertionError("no subscriber connection" + name + "in " + backend().clientList());
    }

    @Test
    @DisplayName("Redis killed and restarted under a steady stream both ways: every message acked ok arrives")
    void ackedOkIsNeverLostAcrossRedisRestart() {
        Streaming s = twoNodesStreaming();
        Gateway a = s.a();
        Gateway b = s.b();
        // Each node reconnects on its own backoff and re-subscribes when it does: back once both have.
        streamThroughOutage(s, redis()::kill, () -> !a.router().isUp() && !b.router().isUp(), () -> { },
                redis()::start, () -> a.router().isUp() && b.router().isUp() && subscribed(1) && subscribed(2));
    }

    @Test
    @DisplayName("a node killed with SIGKILL: its channels vanish, the other node keeps working")
    void nodeDies() throws Exception {
        Gateway a = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u3 = login(a, 3);
        ChildGateway child = ChildGateway.start(SynchronizedStage.class, 0, "--redis", redis().uri().toString());
        children.add(child);
        WsTestClient u2 = loginOnly(child.port(), 2);
        awaitSubscribers(2, 1);
        assertSentNext(u1, 2, "to the other JVM", u2);

        child.process().destroyForcibly(); // no goodbye: Redis sees the sockets close
        assertTrue(child.process().waitFor(Patience.seconds(10).toMillis(), TimeUnit.MILLISECONDS));
        awaitSubscribers(2, 0);
        assertEquals(-1, u2.awaitCloseCode(WAIT), "the client lost its node without a close frame");

        double unheard = metric(a, "gateway_router_unheard_total");
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"into the void\"}");
        await(() -> metric(a, "gateway_router_unheard_total") == unheard + 1,
                "a push to the dead node's user is counted as heard by nobody");
        assertSentNext(u1, 3, "node A is fine", u3);
        assertEquals("ok", health(a).get("status").asText());
    }
}
