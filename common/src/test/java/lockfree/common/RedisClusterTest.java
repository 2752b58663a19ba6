package lockfree.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import lockfree.common.testkit.ChildGateway;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.RedisServer;
import lockfree.common.testkit.SynchronizedStage;
import lockfree.common.testkit.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
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
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two gateway nodes joined by a real {@code redis-server} on a loopback port, driven by real
 * WebSocket clients: every route across nodes, the cross-node kick, and the faults (Redis absent
 * at start, Redis restarted, a node killed). Without a redis-server binary the tests are skipped
 * with the reason printed, except under CI, where they fail ({@link RedisServer#binaryOrSkip}).
 */
@Timeout(60) // a bound, not a speed claim: the first test pays for loading Lettuce, one forks a JVM; CI machines are loaded
class RedisClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Gateway> gateways = new ArrayList<>();
    private final List<WsTestClient> clients = new ArrayList<>();
    private final List<ChildGateway> children = new ArrayList<>();
    private RedisServer redis;
    private RedisClient backendClient;
    private StatefulRedisConnection<String, String> backendConnection;

    @AfterEach
    void stopEverything() {
        clients.forEach(WsTestClient::close);
        gateways.forEach(Gateway::stop);
        children.forEach(ChildGateway::close);
        if (backendConnection != null) {
            backendConnection.close();
        }
        if (backendClient != null) {
            backendClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (redis != null) {
            redis.close();
        }
    }

    // ---- fixtures ----------------------------------------------------------------------------

    private RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.startOrSkip();
        }
        return redis;
    }

    private Gateway node() {
        return node(redis().uri());
    }

    private Gateway node(URI redisUri) {
        GatewayConfig config = GatewayConfig.defaults().withPort(0)
                .withShutdownTimeout(Duration.ofSeconds(2)).withRedis(redisUri);
        Gateway g = Gateway.start(SynchronizedStage.STAGE, config);
        gateways.add(g);
        return g;
    }

    /** What a backend sees: a plain Redis client (Lettuce's sync API, as redis-cli would do it). */
    private RedisCommands<String, String> backend() {
        if (backendConnection == null) {
            backendClient = RedisClient.create(redis().uri().toString());
            backendConnection = backendClient.connect();
        }
        return backendConnection.sync();
    }

    private static URI ws(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    private static URI http(Gateway g, String path) {
        return URI.create("http://127.0.0.1:" + g.port() + path);
    }

    /** Logs {@code uid} in on node {@code g} and waits until its channel is subscribed in Redis. */
    private WsTestClient login(Gateway g, long uid) {
        WsTestClient c = loginOnly(g.port(), uid);
        awaitSubscribers(uid, 1);
        return c;
    }

    private WsTestClient loginOnly(int port, long uid) {
        WsTestClient c = WsTestClient.connect(ws(port));
        clients.add(c);
        c.send("{\"op\":\"login\",\"uid\":" + uid + "}");
        assertEquals(uid, json(c.awaitMatching("\"login_ok\"", WAIT)).get("uid").asLong());
        return c;
    }

    private void awaitSubscribers(long uid, long count) {
        String channel = RedisRouter.USER_CHANNEL + uid;
        await(() -> backend().pubsubNumsub(channel).get(channel) == count,
                channel + " has " + count + " subscriber(s) in Redis");
    }

    /** A broadcast reaches a node only once its gateway:all subscription is live in Redis. */
    private void awaitBothNodesOnAllChannel() {
        await(() -> backend().pubsubNumsub(RedisRouter.ALL_CHANNEL).get(RedisRouter.ALL_CHANNEL) == 2,
                "both nodes listen on " + RedisRouter.ALL_CHANNEL);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static JsonNode awaitMsg(WsTestClient c) {
        return json(c.awaitMatching("\"op\":\"msg\"", WAIT));
    }

    private static JsonNode awaitAck(WsTestClient c) {
        return json(c.awaitMatching("\"op\":\"ack\"", WAIT));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("still not true after 10 s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static JsonNode health(Gateway g) {
        return json(Http.get(http(g, "/health")).body());
    }

    /** One sample of the node's /metrics page, as Prometheus would read it (0 when absent). */
    private static double metric(Gateway g, String sample) {
        for (String line : Http.get(http(g, "/metrics")).body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }

    /**
     * Proves that nothing else is on its way to {@code c}: a message published after the ones
     * under test travels the same path (same Redis, same subscriber connection, same inbox) and
     * must arrive next.
     */
    private static void assertNextMsgIs(WsTestClient c, String data) {
        JsonNode next = awaitMsg(c);
        assertEquals(data, next.get("data").asText(), "unexpected message before the marker: " + next);
    }

    // ---- routes ------------------------------------------------------------------------------

    @Test
    @DisplayName("send: a user on node A reaches a user on node B and back, acked ok")
    void unicastAcrossNodes() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient alice = login(a, 1);
        WsTestClient bob = login(b, 2);

        alice.send("{\"op\":\"send\",\"to\":2,\"data\":{\"text\":\"hi bob\"},\"id\":\"m1\"}");
        JsonNode m = awaitMsg(bob);
        assertEquals(1, m.get("from").asLong());
        assertEquals("hi bob", m.get("data").get("text").asText());
        assertEquals("ok", awaitAck(alice).get("status").asText());

        bob.send("{\"op\":\"send\",\"to\":1,\"data\":\"hi alice\"}");
        assertEquals("hi alice", awaitMsg(alice).get("data").asText());
        assertTrue(metric(a, "gateway_router_published_total") >= 1);
        assertTrue(metric(b, "gateway_router_received_total") >= 1);
        assertTrue(metric(a, "gateway_router_publish_batch_size_count") >= 1, "batches are observed");
    }

    @Test
    @DisplayName("send to a user on the same node is delivered without Redis")
    void localUserSkipsRedis() {
        Gateway a = node();
        WsTestClient alice = login(a, 1);
        WsTestClient carol = login(a, 3);
        // Each login publishes one claim once its subscription is confirmed.
        await(() -> metric(a, "gateway_router_published_total") == 2, "both logins' claims were published");
        alice.send("{\"op\":\"send\",\"to\":3,\"data\":\"local\"}");
        assertEquals("local", awaitMsg(carol).get("data").asText());
        // A broadcast is published after the send above, through the same queue and connection:
        // once Redis has acknowledged it, it would have acknowledged a publish of the send too.
        assertEquals(202, Http.post(http(a, "/push"), "{\"all\":true,\"data\":\"marker\"}").status());
        await(() -> metric(a, "gateway_router_published_total") >= 3, "the marker was published");
        assertEquals(3, metric(a, "gateway_router_published_total"), "the local send never went to Redis");
        assertNextMsgIs(carol, "marker");
    }

    @Test
    @DisplayName("multicast: local and remote recipients each get one copy")
    void multicastAcrossNodes() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u4 = login(a, 4);
        WsTestClient u2 = login(b, 2);
        WsTestClient u3 = login(b, 3);

        u1.send("{\"op\":\"multicast\",\"to\":[2,3,4,99],\"data\":\"to three\",\"id\":7}");
        for (WsTestClient c : List.of(u2, u3, u4)) {
            assertEquals("to three", awaitMsg(c).get("data").asText());
        }
        JsonNode ack = awaitAck(u1);
        assertEquals("ok", ack.get("status").asText());
        // 4 is local; 2 and 3 were published and heard; 99 was published and heard by nobody.
        assertEquals(3, ack.get("delivered").asInt());
        await(() -> metric(a, "gateway_router_unheard_total") == 1, "the publish for uid 99 was heard by nobody");

        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"marker\"}");
        assertNextMsgIs(u2, "marker");
    }

    @Test
    @DisplayName("broadcast: users on both nodes get it once, the sender's node skips its echo")
    void broadcastAcrossNodes() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, 2);
        WsTestClient u3 = login(b, 3);
        awaitBothNodesOnAllChannel();

        u2.send("{\"op\":\"broadcast\",\"data\":\"everyone\"}");
        for (WsTestClient c : List.of(u1, u2, u3)) {
            assertEquals("everyone", awaitMsg(c).get("data").asText());
        }
        // The echo of the broadcast reached node B before this later publish did.
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"marker\"}");
        assertNextMsgIs(u2, "marker");
    }

    @Test
    @DisplayName("/push on node A reaches users on node B, to a list and to all")
    void pushAcrossNodes() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, 2);
        awaitBothNodesOnAllChannel();

        Http.Response r = Http.post(http(a, "/push"), "{\"to\":[2],\"data\":\"from the backend\"}");
        assertEquals(202, r.status(), r.body());
        JsonNode m = awaitMsg(u2);
        assertEquals(0, m.get("from").asLong());
        assertEquals("from the backend", m.get("data").asText());

        assertEquals(202, Http.post(http(a, "/push"), "{\"all\":true,\"data\":\"all of you\"}").status());
        assertEquals("all of you", awaitMsg(u1).get("data").asText());
        assertEquals("all of you", awaitMsg(u2).get("data").asText());
    }

    @Test
    @DisplayName("a backend publishes a msg frame with any Redis client (as redis-cli would)")
    void backendPublishesDirectly() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, 2);
        awaitBothNodesOnAllChannel();

        assertEquals(1L, backend().publish("gateway:user:2", "{\"op\":\"msg\",\"from\":0,\"data\":\"direct\"}"));
        assertEquals("direct", awaitMsg(u2).get("data").asText());
        assertEquals(2L, backend().publish("gateway:all", "{\"op\":\"msg\",\"from\":0,\"data\":\"direct to all\"}"));
        assertEquals("direct to all", awaitMsg(u1).get("data").asText());
        assertEquals("direct to all", awaitMsg(u2).get("data").asText());

        backend().publish("gateway:user:2", "not a frame");
        await(() -> metric(b, "gateway_router_dropped_total{reason=\"malformed\"}") == 1, "garbage is counted");
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"marker\"}");
        assertNextMsgIs(u2, "marker");
    }

    // ---- one holder per user -------------------------------------------------------------------

    @Test
    @DisplayName("a login on node B kicks the same user's session on node A")
    void crossNodeKick() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient sender = login(a, 1);
        WsTestClient first = login(a, 7);
        WsTestClient second = loginOnly(b.port(), 7);

        assertEquals("login_elsewhere", json(first.awaitMatching("\"kicked\"", WAIT)).get("reason").asText());
        assertEquals(CloseCodes.KICKED, first.awaitCloseCode(WAIT));
        await(() -> metric(a, "gateway_kicks_total") == 1, "node A counts the kick");
        // Node A let go of the channel; node B holds it, and messages from A now go there.
        awaitSubscribers(7, 1);
        await(() -> a.sessions().getByUserId(7) == null, "node A forgot user 7");
        sender.send("{\"op\":\"send\",\"to\":7,\"data\":\"to the new session\"}");
        assertEquals("to the new session", awaitMsg(second).get("data").asText());
        assertTrue(second.isOpen());
        assertEquals(0, metric(b, "gateway_kicks_total"), "the newer login is never kicked");
    }

    @Test
    @DisplayName("a re-login on the same node keeps the user's channel when the old session closes")
    void reloginOnSameNodeKeepsChannel() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient sender = login(a, 1);
        WsTestClient first = login(b, 7);
        WsTestClient second = loginOnly(b.port(), 7);
        assertEquals(CloseCodes.KICKED, first.awaitCloseCode(WAIT));
        // The old session's close reported user 7 unbound; the router must not unsubscribe.
        await(() -> metric(b, "gateway_sessions") == 1, "node B closed the old session");
        awaitSubscribers(7, 1);
        sender.send("{\"op\":\"send\",\"to\":7,\"data\":\"still reachable\"}");
        assertEquals("still reachable", awaitMsg(second).get("data").asText());
    }

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
        u1.send("{\"op\":\"send\",\"to\":3,\"data\":\"local works\"}");
        assertEquals("local works", awaitMsg(u3).get("data").asText());
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"nowhere to go\",\"id\":\"x\"}");
        assertEquals("dropped", awaitAck(u1).get("status").asText(), "a remote push while down is refused, not faked");
        assertEquals(1, metric(a, "gateway_router_dropped_total{reason=\"redis_down\"}"));

        later.start();
        await(() -> "ok".equals(health(a).get("status").asText()), "node A connects once Redis is up");
        assertEquals(1, metric(a, "gateway_router_up"));
        awaitSubscribers(1, 1); // users logged in while down were subscribed on connect
        Gateway b = node();
        WsTestClient u2 = login(b, 2);
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"now it goes\"}");
        assertEquals("now it goes", awaitMsg(u2).get("data").asText());
        u2.send("{\"op\":\"send\",\"to\":3,\"data\":\"and back\"}");
        assertEquals("and back", awaitMsg(u3).get("data").asText());
    }

    @Test
    @DisplayName("Redis restarted mid-run: pushes meanwhile are counted as dropped, then both nodes resubscribe")
    void redisRestart() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, 2);
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"before\"}");
        assertEquals("before", awaitMsg(u2).get("data").asText());

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
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"after\"}");
        assertNextMsgIs(u2, "after"); // "during" was dropped, not delivered late
        u2.send("{\"op\":\"broadcast\",\"data\":\"all after\"}");
        assertEquals("all after", awaitMsg(u1).get("data").asText());
    }

    /**
     * Alternates one send each way (1 on A to 2 on B, and back) every 2 ms, half the default
     * rate limit, until {@code until} holds; at least {@code atLeast} pairs.
     */
    private static void stream(AckLedger ledger, WsTestClient u1, WsTestClient u2, int atLeast, BooleanSupplier until) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int i = 0; i < atLeast || !until.getAsBoolean(); i++) {
            if (System.nanoTime() > deadline) {
                fail("the stream's end condition never came true; " + ledger.summary());
            }
            ledger.send(u1, 2);
            ledger.send(u2, 1);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // pacing, not waiting for anything
            if (i % 64 == 0) {
                ledger.collect(); // keep the clients' queues short
            }
        }
    }

    private boolean subscribed(long uid) {
        String channel = RedisRouter.USER_CHANNEL + uid;
        return backend().pubsubNumsub(channel).get(channel) == 1;
    }

    @Test
    @DisplayName("a node re-subscribing: sends meanwhile are answered offline, never ok and lost")
    void ackedOkIsNeverLostWhileResubscribing() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, 2);
        AckLedger ledger = new AckLedger(List.of(u1, u2));
        stream(ledger, u1, u2, 50, () -> true);

        // Node B's subscriber connection alone goes (as when Redis drops a slow subscriber): node A
        // stays connected and keeps publishing to user 2's channel, which has no subscriber until
        // B has reconnected and Redis has confirmed its SUBSCRIBE again. B closes its publisher
        // too; Redis then refuses B's reconnection attempts (only A's two connections and this
        // backend's fit under maxclients 3), so the window stays open for a known stretch of the
        // stream however slow this machine is, instead of the 50 ms of B's first retry.
        double connects = metric(b, "gateway_router_connects_total");
        backend().configSet("maxclients", "3");
        backend().clientKill(KillArgs.Builder.id(subscriberOf(b)));
        stream(ledger, u1, u2, 50, () -> true);
        backend().configSet("maxclients", "10000");
        stream(ledger, u1, u2, 10, () -> metric(b, "gateway_router_connects_total") > connects && subscribed(2));
        ledger.mark();
        stream(ledger, u1, u2, 100, () -> true);

        ledger.assertNothingAckedOkLost(Duration.ofSeconds(10));
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
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, 2);
        AckLedger ledger = new AckLedger(List.of(u1, u2));
        stream(ledger, u1, u2, 50, () -> true);

        redis().kill();
        stream(ledger, u1, u2, 10, () -> !a.router().isUp() && !b.router().isUp());
        redis().start();
        // Each node reconnects on its own backoff and re-subscribes when it does: until both have,
        // a send may find no subscriber (offline) or no connection (dropped), never a false ok.
        stream(ledger, u1, u2, 10, () -> a.router().isUp() && b.router().isUp() && subscribed(1) && subscribed(2));
        ledger.mark();
        stream(ledger, u1, u2, 100, () -> true);

        ledger.assertNothingAckedOkLost(Duration.ofSeconds(10));
        assertTrue(ledger.count("dropped") > 0, "the outage was hit: " + ledger.summary());
        assertEquals(Map.of(), ledger.notOkSinceMark(), "once both were back, all acked ok; " + ledger.summary());
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
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"to the other JVM\"}");
        assertEquals("to the other JVM", awaitMsg(u2).get("data").asText());

        child.process().destroyForcibly(); // no goodbye: Redis sees the sockets close
        assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
        awaitSubscribers(2, 0);
        assertEquals(-1, u2.awaitCloseCode(WAIT), "the client lost its node without a close frame");

        double unheard = metric(a, "gateway_router_unheard_total");
        u1.send("{\"op\":\"send\",\"to\":2,\"data\":\"into the void\"}");
        await(() -> metric(a, "gateway_router_unheard_total") == unheard + 1,
                "a push to the dead node's user is counted as heard by nobody");
        u1.send("{\"op\":\"send\",\"to\":3,\"data\":\"node A is fine\"}");
        assertEquals("node A is fine", awaitMsg(u3).get("data").asText());
        assertEquals("ok", health(a).get("status").asText());
    }
}
