package lockfree.common.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lockfree.common.testkit.Patience;
import lockfree.common.transport.GatewayConfig;
import lockfree.common.protocol.CloseCodes;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.SynchronizedStage;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
 * The cross-node checks every Redis setup must pass, with two gateway nodes in this JVM and real
 * WebSocket clients: every route across nodes, the cross-node kick, and the fixtures the fault
 * tests share. {@link RedisClusterTest} runs them through one {@code redis-server},
 * {@link RedisShardedClusterTest} through a Redis Cluster; each adds the faults of its setup.
 */
abstract class CrossNodeChecks {
    static final Duration WAIT = Patience.seconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Gateway> gateways = new ArrayList<>();
    final List<WsTestClient> clients = new ArrayList<>();

    /** What {@code --redis} says for this setup. */
    abstract URI redisUri();

    /** How many connections Redis counts as subscribed to {@code channel} (sharded or not). */
    abstract long subscribers(String channel);

    /** Publishes as a backend would with any Redis client (PUBLISH, or SPUBLISH on a cluster). */
    abstract long publishRaw(String channel, String message);

    @AfterEach
    void stopNodes() {
        clients.forEach(WsTestClient::close);
        gateways.forEach(Gateway::stop);
    }

    // ---- fixtures ----------------------------------------------------------------------------

    Gateway node() {
        return node(redisUri());
    }

    Gateway node(URI redisUri) {
        GatewayConfig config = GatewayConfig.defaults().withPort(0)
                .withShutdownTimeout(Duration.ofSeconds(2)).withRedis(redisUri);
        Gateway g = Gateway.start(SynchronizedStage.STAGE, config);
        gateways.add(g);
        return g;
    }

    static URI ws(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    static URI http(Gateway g, String path) {
        return URI.create("http://127.0.0.1:" + g.port() + path);
    }

    /** Logs {@code uid} in on node {@code g} and waits until its channel is subscribed in Redis. */
    WsTestClient login(Gateway g, long uid) {
        WsTestClient c = loginOnly(g.port(), uid);
        awaitSubscribers(uid, 1);
        return c;
    }

    WsTestClient loginOnly(int port, long uid) {
        WsTestClient c = WsTestClient.connect(ws(port));
        clients.add(c);
        c.send("{\"op\":\"login\",\"uid\":" + uid + "}");
        assertEquals(uid, json(c.awaitMatching("\"login_ok\"", WAIT)).get("uid").asLong());
        return c;
    }

    void awaitSubscribers(long uid, long count) {
        String channel = RedisRouter.USER_CHANNEL + uid;
        await(() -> subscribers(channel) == count, channel + " has " + count + " subscriber(s) in Redis");
    }

    boolean subscribed(long uid) {
        return subscribers(RedisRouter.USER_CHANNEL + uid) == 1;
    }

    /** A broadcast reaches a node only once its gateway:all subscription is live in Redis. */
    void awaitBothNodesOnAllChannel() {
        await(() -> subscribers(RedisRouter.ALL_CHANNEL) == 2, "both nodes listen on " + RedisRouter.ALL_CHANNEL);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static JsonNode awaitMsg(WsTestClient c) {
        return json(c.awaitMatching("\"op\":\"msg\"", WAIT));
    }

    static JsonNode awaitAck(WsTestClient c) {
        return json(c.awaitMatching("\"op\":\"ack\"", WAIT));
    }

    static void await(BooleanSupplier condition, String what) {
        awaitFor(10, condition, what);
    }

    static void awaitFor(int seconds, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Patience.seconds(seconds).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("still not true after " + seconds + " s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    static JsonNode health(Gateway g) {
        return json(Http.get(http(g, "/health")).body());
    }

    /** One sample of the node's /metrics page, as Prometheus would read it (0 when absent). */
    static double metric(Gateway g, String sample) {
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
    static void assertNextMsgIs(WsTestClient c, String data) {
        JsonNode next = awaitMsg(c);
        assertEquals(data, next.get("data").asText(), "another message came first: " + next);
    }

    /** {@code from} sends {@code text} to user {@code to}; it is the next message {@code receiver} gets. */
    static void assertSentNext(WsTestClient from, long to, String text, WsTestClient receiver) {
        from.send("{\"op\":\"send\",\"to\":" + to + ",\"data\":\"" + text + "\"}");
        assertNextMsgIs(receiver, text);
    }

    /** User 1 on node {@code a}, user 2 on node {@code b}, and the books of what they send. */
    record Streaming(Gateway a, Gateway b, WsTestClient u1, WsTestClient u2, AckLedger ledger) {
    }

    /** Two nodes, user 1 on the first and user 2 on the second, already 50 sends each way in. */
    Streaming twoNodesStreaming() {
        Gateway a = node();
        Gateway b = node();
        WsTestClient u1 = login(a, 1);
        WsTestClient u2 = login(b, 2);
        Streaming s = new Streaming(a, b, u1, u2, new AckLedger(List.of(u1, u2)));
        stream(s, 50, () -> true);
        return s;
    }

    /**
     * A whole outage under the stream of {@code s}: {@code fail}, stream until {@code down} holds,
     * run {@code meanwhile}, {@code recover}, stream until {@code back} holds, then 100 pairs more.
     * Until back, a send may find no subscriber (offline) or no connection (dropped), never a
     * false ok; so every ok arrived, the outage was hit (some dropped), and from back on all are ok.
     */
    static void streamThroughOutage(Streaming s, Runnable fail, BooleanSupplier down, Runnable meanwhile,
                                    Runnable recover, BooleanSupplier back) {
        AckLedger ledger = s.ledger();
        fail.run();
        stream(s, 10, down);
        meanwhile.run();
        recover.run();
        stream(s, 10, back);
        ledger.mark();
        stream(s, 100, () -> true);

        ledger.assertNothingAckedOkLost(Patience.seconds(10));
        assertTrue(ledger.count("dropped") > 0, "the outage was hit: " + ledger.summary());
        assertEquals(Map.of(), ledger.notOkSinceMark(), "once back, all acked ok; " + ledger.summary());
    }

    /**
     * Alternates one send each way (1 on A to 2 on B, and back) every 2 ms, half the default
     * rate limit, until {@code until} holds; at least {@code atLeast} pairs.
     */
    static void stream(Streaming s, int atLeast, BooleanSupplier until) {
        stream(s.ledger(), s.u1(), 1, s.u2(), 2, atLeast, until);
    }

    /** The same between users {@code uid1} (client {@code u1}) and {@code uid2} (client {@code u2}). */
    static void stream(AckLedger ledger, WsTestClient u1, long uid1, WsTestClient u2, long uid2,
                       int atLeast, BooleanSupplier until) {
        long deadline = System.nanoTime() + Patience.seconds(15).toNanos();
        for (int i = 0; i < atLeast || !until.getAsBoolean(); i++) {
            if (System.nanoTime() > deadline) {
                fail("the stream's end condition never came true; " + ledger.summary());
            }
            ledger.send(u1, uid2);
            ledger.send(u2, uid1);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // pacing, not waiting for anything
            if (i % 64 == 0) {
                ledger.collect(); // keep the clients' queues short
            }
        }
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

        assertSentNext(bob, 1, "hi alice", alice);
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
        assertSentNext(alice, 3, "local", carol);
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
        u1.send("{\"op\":\"multicast\",\"to\":[98,99],\"data\":\"to nobody\",\"id\":8}");
        assertEquals("offline", awaitAck(u1).get("status").asText(), "every publish was confirmed heard by nobody");

        assertSentNext(u1, 2, "marker", u2);
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
        assertSentNext(u1, 2, "marker", u2);
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

        assertEquals(1L, publishRaw("gateway:user:2", "{\"op\":\"msg\",\"from\":0,\"data\":\"direct\"}"));
        assertEquals("direct", awaitMsg(u2).get("data").asText());
        assertEquals(2L, publishRaw("gateway:all", "{\"op\":\"msg\",\"from\":0,\"data\":\"direct to all\"}"));
        assertEquals("direct to all", awaitMsg(u1).get("data").asText());
        assertEquals("direct to all", awaitMsg(u2).get("data").asText());

        publishRaw("gateway:user:2", "not a frame");
        await(() -> metric(b, "gateway_router_dropped_total{reason=\"malformed\"}") == 1, "garbage is counted");
        assertSentNext(u1, 2, "marker", u2);
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
        assertSentNext(sender, 7, "to the new session", second);
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
        assertSentNext(sender, 7, "still reachable", second);
    }
}
