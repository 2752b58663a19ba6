package lockfree.common.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lockfree.common.transport.GatewayConfig;
import lockfree.common.contract.Stage;
import lockfree.common.protocol.CloseCodes;
import lockfree.common.protocol.ErrorCode;
import lockfree.common.protocol.Tokens;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The end-to-end suite every stage runs: a real gateway on a free loopback port, driven by real
 * WebSocket clients and HTTP calls. A stage gets all of it with
 * <pre>
 * class Stage0EndToEndTest extends GatewayEndToEndSuite {
 *     &#64;Override protected Stage stage() { return Stage0Main.STAGE; }
 * }
 * </pre>
 * Tests that need a separate JVM (file-descriptor wall, SIGTERM) live in {@link ForkedGatewaySuite}.
 */
public abstract class GatewayEndToEndSuite {
    protected static final Duration WAIT = Patience.seconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Gateway> gateways = new ArrayList<>();
    private final List<WsTestClient> clients = new ArrayList<>();

    /** The stage under test. */
    protected abstract Stage stage();

    @AfterEach
    void stopEverything() {
        clients.forEach(WsTestClient::close);
        gateways.forEach(Gateway::stop);
    }

    // ---- fixtures ------------------------------------------------------------------------

    /** Test defaults: a free port, short timeouts, everything else as shipped. */
    protected Gateway start(UnaryOperator<GatewayConfig> tweak) {
        GatewayConfig config = GatewayConfig.defaults().withPort(0)
                .withShutdownTimeout(Duration.ofSeconds(3));
        Gateway g = startGateway(tweak.apply(config));
        gateways.add(g);
        return g;
    }

    /** How a case starts its gateway: the stage on the shipped transport and router. */
    protected Gateway startGateway(GatewayConfig config) {
        return Gateway.start(stage(), config);
    }

    protected Gateway start() {
        return start(c -> c);
    }

    protected static URI ws(Gateway g) {
        return URI.create("ws://127.0.0.1:" + g.port() + "/ws");
    }

    protected static URI http(Gateway g, String path) {
        return URI.create("http://127.0.0.1:" + g.port() + path);
    }

    protected WsTestClient connect(Gateway g) {
        return track(WsTestClient.connect(ws(g)));
    }

    protected WsTestClient connect(Gateway g, WsTestClient.Options options) {
        return track(WsTestClient.connect(ws(g), options));
    }

    private WsTestClient track(WsTestClient c) {
        clients.add(c);
        return c;
    }

    /** Connects and logs in as {@code uid}, returning once login_ok arrived. */
    protected WsTestClient login(Gateway g, long uid) {
        WsTestClient c = connect(g);
        c.send("{\"op\":\"login\",\"uid\":" + uid + "}");
        JsonNode ok = json(c.awaitMatching(s -> s.contains("\"login_ok\""), WAIT));
        assertEquals(uid, ok.get("uid").asLong());
        return c;
    }

    protected static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The next frame whose op is {@code op}, skipping others. */
    protected static JsonNode awaitOp(WsTestClient c, String op) {
        return json(c.awaitMatching(s -> op.equals(json(s).path("op").asText()), WAIT));
    }

    protected static JsonNode awaitError(WsTestClient c, ErrorCode code) {
        JsonNode e = awaitOp(c, "error");
        assertEquals(code.wire(), e.get("code").asText(), "error frame: " + e);
        assertFalse(e.get("msg").asText().isEmpty(), "an error says what is wrong in words");
        return e;
    }

    /** Value of one sample in the gateway's /metrics page, as an HTTP client sees it. */
    protected static double metric(Gateway g, String sample) {
        String body = Http.get(http(g, "/metrics")).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0; // Prometheus omits labelled series that were never touched
    }

    /** 101 if a WebSocket handshake succeeds now, else the HTTP status it got (-1: no answer). */
    protected static int handshakeStatus(URI uri) {
        try {
            WsTestClient.connect(uri).close();
            return 101;
        } catch (WsTestClient.HandshakeFailedException e) {
            return e.status();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    protected static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }

    // ---- the protocol --------------------------------------------------------------------

    @Test
    @DisplayName("login answers login_ok with the uid and a session id; ping answers pong")
    void loginAndPing() {
        Gateway g = start();
        WsTestClient c = connect(g);
        c.send("{\"op\":\"login\",\"uid\":42}");
        JsonNode ok = awaitOp(c, "login_ok");
        assertEquals(42, ok.get("uid").asLong());
        assertTrue(ok.get("sid").isTextual() && !ok.get("sid").asText().isEmpty());
        c.send("{\"op\":\"ping\"}");
        awaitOp(c, "pong");
        assertEquals(1, g.sessions().userCount());
    }

    @Test
    @DisplayName("two users exchange a message; the sender gets an ack; /metrics counts it")
    void twoUsersExchangeAMessage() {
        Gateway g = start();
        WsTestClient alice = login(g, 1);
        WsTestClient bob = login(g, 2);
        alice.send("{\"op\":\"send\",\"to\":2,\"data\":{\"text\":\"hi bob\",\"n\":[1,2]},\"id\":\"m1\"}");
        JsonNode msg = awaitOp(bob, "msg");
        assertEquals(1, msg.get("from").asLong());
        assertEquals(json("{\"text\":\"hi bob\",\"n\":[1,2]}"), msg.get("data"), "data passes through untouched");
        JsonNode ack = awaitOp(alice, "ack");
        assertEquals("m1", ack.get("id").asText());
        assertEquals("ok", ack.get("status").asText());

        bob.send("{\"op\":\"send\",\"to\":1,\"data\":\"hi alice\"}"); // no id: no ack
        assertEquals("hi alice", awaitOp(alice, "msg").get("data").asText());

        assertEquals(2, metric(g, "gateway_logins_total"));
        assertTrue(metric(g, "gateway_messages_in_total") >= 4, "2 logins + 2 sends");
        eventually("both messages counted as written", () -> metric(g, "gateway_messages_out_total") >= 2);
        assertEquals(2, metric(g, "gateway_users"));
    }

    @Test
    @DisplayName("a send to a user who is not logged in is acked offline")
    void sendToOfflineUser() {
        Gateway g = start();
        WsTestClient alice = login(g, 1);
        alice.send("{\"op\":\"send\",\"to\":999,\"data\":1,\"id\":7}");
        JsonNode ack = awaitOp(alice, "ack");
        assertEquals(7, ack.get("id").asInt(), "a numeric id is echoed as given");
        assertEquals("offline", ack.get("status").asText());
    }

    @Test
    @DisplayName("multicast reaches each listed user once; broadcast reaches every logged-in user")
    void multicastAndBroadcast() {
        Gateway g = start();
        WsTestClient a = login(g, 1);
        WsTestClient b = login(g, 2);
        WsTestClient c = login(g, 3);
        WsTestClient anonymous = connect(g);

        a.send("{\"op\":\"multicast\",\"to\":[2,3,3,999],\"data\":\"m\",\"id\":\"x\"}");
        assertEquals("m", awaitOp(b, "msg").get("data").asText());
        assertEquals("m", awaitOp(c, "msg").get("data").asText());
        JsonNode ack = awaitOp(a, "ack");
        assertEquals("ok", ack.get("status").asText());
        assertEquals(2, ack.get("delivered").asInt(), "3 listed twice gets one copy; 999 is offline");

        b.send("{\"op\":\"broadcast\",\"data\":{\"all\":true},\"id\":\"y\"}");
        // The sender gets its ack (a direct reply) and its own copy (through its send queue) in
        // either order.
        List<JsonNode> toSender = List.of(json(b.next(WAIT)), json(b.next(WAIT)));
        JsonNode ack2 = toSender.stream().filter(f -> f.get("op").asText().equals("ack")).findFirst().orElseThrow();
        assertEquals(3, ack2.get("delivered").asInt());
        for (WsTestClient each : List.of(a, c)) {
            JsonNode m = awaitOp(each, "msg");
            assertEquals(2, m.get("from").asLong());
            assertTrue(m.get("data").get("all").asBoolean());
        }
        assertTrue(toSender.stream().anyMatch(f -> f.get("op").asText().equals("msg") && f.get("from").asLong() == 2),
                "the sender receives its own broadcast: " + toSender);
        anonymous.send("{\"op\":\"ping\"}");
        awaitOp(anonymous, "pong"); // the pong is the next frame: the broadcast skipped it
        assertTrue(anonymous.drain().stream().noneMatch(s -> s.contains("\"msg\"")),
                "a connection that has not logged in receives no broadcast");
    }

    /**
     * Every push to a user goes through that user's one send queue, a broadcast as much as a send,
     * and the queue keeps each producer's order. A sender's frames are read and routed one after
     * another on its connection's event loop, which is one producer, so the recipient must see
     * them in the order sent. The recipient logs in first and the sender second, so Netty gives
     * them different event loops (it hands out loops in turn): a recipient's drain then runs
     * while the sender's loop is still routing, which is where a broadcast that took another way
     * to the socket than the queue would be overtaken by the sends queued behind it.
     */
    @Test
    @DisplayName("one sender's messages reach a user in the order sent, sends and broadcasts mixed")
    void oneSendersMessagesKeepTheirOrderAcrossSendsAndBroadcasts() {
        Gateway g = start();
        WsTestClient recipient = login(g, 1);
        WsTestClient sender = login(g, 2);
        int messages = 400; // within the frame rate's burst; every even one a send, every odd one a broadcast
        for (int i = 0; i < messages; i++) {
            sender.send(i % 2 == 0 ? "{\"op\":\"send\",\"to\":1,\"data\":" + i + "}"
                    : "{\"op\":\"broadcast\",\"data\":" + i + "}");
        }
        List<Integer> seen = new ArrayList<>();
        while (seen.size() < messages) {
            JsonNode m = awaitOp(recipient, "msg");
            seen.add(m.get("data").asInt());
        }
        for (int i = 0; i < messages; i++) {
            assertEquals(i, seen.get(i), "message " + i + " out of order: the recipient saw " + seen);
        }
    }

    @Test
    @DisplayName("a second login of the same uid kicks the first session (kicked, then close 4000)")
    void reLoginKicksTheOlderSession() {
        Gateway g = start();
        WsTestClient first = login(g, 5);
        WsTestClient second = login(g, 5);
        assertEquals("login_elsewhere", awaitOp(first, "kicked").get("reason").asText());
        assertEquals(CloseCodes.KICKED, first.awaitCloseCode(WAIT));

        WsTestClient sender = login(g, 6);
        sender.send("{\"op\":\"send\",\"to\":5,\"data\":\"still here?\",\"id\":\"k\"}");
        assertEquals("still here?", awaitOp(second, "msg").get("data").asText());
        assertEquals("ok", awaitOp(sender, "ack").get("status").asText(),
                "the old session's close must not unbind the user from the new session");
        eventually("kick counted", () -> metric(g, "gateway_kicks_total") == 1);
        eventually("old session removed", () -> g.sessions().size() == 2);
    }

    // ---- the HTTP API --------------------------------------------------------------------

    @Test
    @DisplayName("POST /push delivers from uid 0 to listed users or to all, answering 202 {accepted}")
    void pushFromTheBackend() {
        Gateway g = start();
        WsTestClient a = login(g, 1);
        WsTestClient b = login(g, 2);

        Http.Response r = Http.post(http(g, "/push"), "{\"to\":[1,404],\"data\":{\"k\":\"v\"}}", Map.of());
        assertEquals(202, r.status());
        assertEquals(1, json(r.body()).get("accepted").asInt());
        JsonNode m = awaitOp(a, "msg");
        assertEquals(0, m.get("from").asLong(), "backend pushes come from uid 0");
        assertEquals("v", m.get("data").get("k").asText());

        r = Http.post(http(g, "/push"), "{\"all\":true,\"data\":\"everyone\"}", Map.of());
        assertEquals(202, r.status());
        assertEquals(2, json(r.body()).get("accepted").asInt());
        assertEquals("everyone", awaitOp(a, "msg").get("data").asText());
        assertEquals("everyone", awaitOp(b, "msg").get("data").asText());
    }

    @Test
    @DisplayName("POST /push with a bad body answers 400 with a JSON error and counts it")
    void pushWithABadBody() {
        Gateway g = start();
        for (String body : List.of("not json", "[1,2]", "{\"data\":1}", "{\"to\":[],\"data\":1}",
                "{\"to\":[1]}", "{\"to\":[\"x\"],\"data\":1}", "{\"all\":true,\"to\":[1],\"data\":1}")) {
            Http.Response r = Http.post(http(g, "/push"), body, Map.of());
            assertEquals(400, r.status(), body);
            assertEquals("bad_request", json(r.body()).get("error").asText(), body);
        }
        assertEquals(7, metric(g, "gateway_errors_total{code=\"bad_request\"}"));
        assertEquals(405, Http.get(http(g, "/push")).status());
        assertEquals(404, Http.get(http(g, "/nope")).status());
    }

    @Test
    @DisplayName("with an API key configured, /push needs the X-Api-Key header")
    void pushNeedsTheApiKey() {
        Gateway g = start(c -> c.withApiKey("k3y"));
        String body = "{\"all\":true,\"data\":1}";
        assertEquals(401, Http.post(http(g, "/push"), body, Map.of()).status());
        assertEquals(401, Http.post(http(g, "/push"), body, Map.of("X-Api-Key", "wrong")).status());
        assertEquals(202, Http.post(http(g, "/push"), body, Map.of("X-Api-Key", "k3y")).status());
        assertEquals(2, metric(g, "gateway_errors_total{code=\"unauthorized\"}"));
    }

    @Test
    @DisplayName("GET /health reports status, stage, sessions and router state as JSON")
    void health() {
        Gateway g = start();
        login(g, 1);
        connect(g);
        eventually("two sessions", () -> g.sessions().size() == 2);
        Http.Response r = Http.get(http(g, "/health"));
        assertEquals(200, r.status());
        JsonNode h = json(r.body());
        assertEquals("ok", h.get("status").asText());
        assertEquals(stage().name(), h.get("stage").asText());
        assertEquals(2, h.get("sessions").asInt());
        assertEquals(1, h.get("users").asInt());
        assertEquals("local", h.get("router").get("kind").asText());
        assertEquals("up", h.get("router").get("state").asText());
    }

    @Test
    @DisplayName("GET /metrics is the Prometheus text format with the gateway's series")
    void metricsPage() {
        Gateway g = start();
        Http.Response r = Http.get(http(g, "/metrics"));
        assertEquals(200, r.status());
        assertTrue(r.header("content-type").startsWith("text/plain"), r.header("content-type"));
        for (String series : List.of("gateway_connections", "gateway_sessions", "gateway_users",
                "gateway_messages_in_total", "gateway_messages_out_total", "gateway_pushes_dropped_total",
                "gateway_slow_consumer_closes_total", "gateway_logins_total", "gateway_kicks_total")) {
            assertTrue(r.body().contains("\n" + series + " "), "missing " + series + " in\n" + r.body());
        }
        assertTrue(r.body().contains("gateway_stage_info{stage=\"" + stage().name() + "\"} 1"), r.body());
    }

    // ---- bad input -----------------------------------------------------------------------

    @Test
    @DisplayName("malformed JSON, unknown ops and bad fields get error frames; the connection lives on")
    void badFramesGetErrorFrames() {
        Gateway g = start();
        WsTestClient c = connect(g);
        c.send("{not json");
        awaitError(c, ErrorCode.BAD_JSON);
        c.send("[1,2,3]");
        awaitError(c, ErrorCode.BAD_JSON);
        c.send("{\"op\":\"dance\"}");
        awaitError(c, ErrorCode.UNKNOWN_OP);
        c.send("{\"uid\":1}");
        awaitError(c, ErrorCode.UNKNOWN_OP);
        c.send("{\"op\":\"login\",\"uid\":\"abc\"}");
        awaitError(c, ErrorCode.BAD_FIELD);
        c.send("{\"op\":\"login\",\"uid\":-3}");
        awaitError(c, ErrorCode.BAD_FIELD);
        c.send("{\"op\":\"login\"}");
        awaitError(c, ErrorCode.BAD_FIELD);
        c.send("{\"op\":\"send\",\"to\":2,\"data\":1}");
        awaitError(c, ErrorCode.NOT_LOGGED_IN);

        c.send("{\"op\":\"login\",\"uid\":1}");
        awaitOp(c, "login_ok");
        c.send("{\"op\":\"send\",\"data\":1}");
        awaitError(c, ErrorCode.BAD_FIELD);
        c.send("{\"op\":\"send\",\"to\":2}");
        awaitError(c, ErrorCode.BAD_FIELD);
        c.send("{\"op\":\"send\",\"to\":2,\"data\":1,\"id\":{}}");
        awaitError(c, ErrorCode.BAD_FIELD);
        c.send("{\"op\":\"multicast\",\"to\":5,\"data\":1}");
        awaitError(c, ErrorCode.BAD_FIELD);
        c.send("{\"op\":\"login\",\"uid\":2}");
        awaitError(c, ErrorCode.ALREADY_LOGGED_IN);

        c.send("{\"op\":\"ping\"}");
        awaitOp(c, "pong");
        assertTrue(c.isOpen());
        assertEquals(2, metric(g, "gateway_errors_total{code=\"bad_json\"}"));
        assertEquals(2, metric(g, "gateway_errors_total{code=\"unknown_op\"}"));
        assertEquals(7, metric(g, "gateway_errors_total{code=\"bad_field\"}"));
        assertEquals(1, metric(g, "gateway_errors_total{code=\"not_logged_in\"}"));
        assertEquals(1, metric(g, "gateway_errors_total{code=\"already_logged_in\"}"));
    }

    @Test
    @DisplayName("a frame over --max-frame is closed with 1009; others are unharmed")
    void frameOverTheLimit() {
        Gateway g = start(c -> c.withMaxFrameBytes(1024));
        WsTestClient bystander = login(g, 2);
        WsTestClient c = login(g, 1);
        c.send("{\"op\":\"broadcast\",\"data\":\"" + "x".repeat(2000) + "\"}");
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, c.awaitCloseCode(WAIT));
        eventually("counted", () -> metric(g, "gateway_errors_total{code=\"frame_too_big\"}") == 1);
        bystander.send("{\"op\":\"ping\"}");
        awaitOp(bystander, "pong");
        assertTrue(bystander.drain().stream().noneMatch(s -> s.contains("xxxx")), "the oversized frame was not delivered");
    }

    @Test
    @DisplayName("a binary frame is closed with 1003")
    void binaryFrame() {
        Gateway g = start();
        WsTestClient c = login(g, 1);
        c.sendBinary(new byte[] {1, 2, 3});
        assertEquals(CloseCodes.UNSUPPORTED_DATA, c.awaitCloseCode(WAIT));
        eventually("counted", () -> metric(g, "gateway_errors_total{code=\"binary_frame\"}") == 1);
        eventually("session removed", () -> g.sessions().size() == 0 && g.sessions().userCount() == 0);
    }

    @Test
    @DisplayName("with a secret: a valid token logs in; a bad, foreign or expired token is closed with 1008")
    void tokens() {
        Gateway g = start(c -> c.withSecret("s3cret"));
        Tokens tokens = new Tokens("s3cret");
        long later = Instant.now().plusSeconds(600).getEpochSecond();

        WsTestClient good = connect(g);
        good.send("{\"op\":\"login\",\"uid\":9,\"token\":\"" + tokens.mint(9, later) + "\"}");
        awaitOp(good, "login_ok");

        String[][] cases = {
                {"9", null, "auth_failed"},
                {"9", "garbage", "auth_failed"},
                {"9", new Tokens("other").mint(9, later), "auth_failed"},
                {"10", tokens.mint(9, later), "auth_failed"},
                {"9", tokens.mint(9, Instant.now().minusSeconds(5).getEpochSecond()), "token_expired"},
        };
        for (String[] k : cases) {
            WsTestClient c = connect(g);
            c.send("{\"op\":\"login\",\"uid\":" + k[0] + (k[1] == null ? "" : ",\"token\":\"" + k[1] + "\"") + "}");
            assertEquals(k[2], awaitOp(c, "error").get("code").asText());
            assertEquals(CloseCodes.POLICY_VIOLATION, c.awaitCloseCode(WAIT));
        }
        assertEquals(4, metric(g, "gateway_errors_total{code=\"auth_failed\"}"));
        assertEquals(1, metric(g, "gateway_errors_total{code=\"token_expired\"}"));
        good.send("{\"op\":\"ping\"}");
        awaitOp(good, "pong");
    }

    @Test
    @DisplayName("a flooding connection gets rate_limited and its excess is dropped; others are unharmed")
    void flooding() {
        Gateway g = start(c -> c.withRateLimitPerSecond(20));
        WsTestClient flooder = login(g, 1);
        WsTestClient bystander = login(g, 2);
        for (int i = 0; i < 300; i++) {
            flooder.send("{\"op\":\"send\",\"to\":2,\"data\":" + i + "}");
        }
        awaitError(flooder, ErrorCode.RATE_LIMITED);
        eventually("drops counted", () -> metric(g, "gateway_errors_total{code=\"rate_limited\"}") >= 250);
        bystander.send("{\"op\":\"ping\"}");
        awaitOp(bystander, "pong");
        long delivered = bystander.drain().stream().filter(s -> s.contains("\"msg\"")).count();
        assertTrue(delivered < 100, "at 20/s with a burst of 20, most of 300 frames are dropped; got " + delivered);
        // The bucket refills: the flooder is served again a little later.
        flooder.drain();
        eventually("flooder served again", () -> {
            flooder.send("{\"op\":\"ping\"}");
            return flooder.drain().stream().anyMatch(s -> s.contains("\"pong\""));
        });
    }

    @Test
    @DisplayName("connections over --max-connections are refused with 503 until one closes")
    void tooManyConnections() {
        Gateway g = start(c -> c.withMaxConnections(3));
        WsTestClient a = connect(g);
        connect(g);
        connect(g);
        int status = handshakeStatus(ws(g));
        assertEquals(503, status);
        eventually("refusal counted", () -> g.metrics().errors(ErrorCode.TOO_MANY_CONNECTIONS) == 1);
        a.close();
        eventually("a slot frees up", () -> handshakeStatus(ws(g)) == 101);
    }

    @Test
    @DisplayName("a connection that never completes its handshake is closed after --handshake-timeout")
    void stalledHandshake() throws IOException {
        Gateway g = start(c -> c.withHandshakeTimeout(Duration.ofMillis(300)));
        try (Socket silent = new Socket(); Socket halfway = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", g.port()));
            halfway.connect(new InetSocketAddress("127.0.0.1", g.port()));
            halfway.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            silent.setSoTimeout((int) WAIT.toMillis());
            halfway.setSoTimeout((int) WAIT.toMillis());
            assertEquals(-1, readToEnd(silent.getInputStream()), "closed without a byte");
            assertEquals(-1, readToEnd(halfway.getInputStream()), "closed without a byte");
        }
        eventually("counted", () -> g.metrics().errors(ErrorCode.HANDSHAKE_TIMEOUT) == 2);
    }

    private static int readToEnd(InputStream in) throws IOException {
        int b;
        while ((b = in.read()) != -1) {
            // drain anything, then report end of stream
        }
        return b;
    }

    @Test
    @DisplayName("an idle connection that answers no ping is closed with 4002; one that pongs stays")
    void idleTimeout() {
        Gateway g = start(c -> c.withIdleTimeout(Duration.ofMillis(600)));
        WsTestClient live = login(g, 1);
        WsTestClient deaf = connect(g, WsTestClient.options().autoPong(false));
        deaf.send("{\"op\":\"login\",\"uid\":2}");
        awaitOp(deaf, "login_ok");
        assertEquals(CloseCodes.IDLE_TIMEOUT, deaf.awaitCloseCode(WAIT));
        // The live client was silent just as long, but its automatic pongs count as traffic.
        WsTestClient deaf2 = connect(g, WsTestClient.options().autoPong(false));
        assertEquals(CloseCodes.IDLE_TIMEOUT, deaf2.awaitCloseCode(WAIT));
        assertTrue(live.isOpen(), "pongs keep a live connection open");
        assertTrue(live.pingsReceived() >= 2, "the server pinged the live client");
        live.send("{\"op\":\"ping\"}");
        awaitOp(live, "pong");
    }

    @Test
    @DisplayName("a session whose queue stays full is dropped from, then closed as a slow consumer")
    void slowConsumer() {
        // Two clocks run on this timeout: the send queue's (full for so long) and the outbound
        // budget's (unwritable, no progress for so long), and the budget's starts first, when
        // the channel turns unwritable. The timeout must leave the pushes below time to fill the
        // queue of 16 after that, or on a loaded machine the budget closes the client before a
        // single push was dropped: 2 s is ample for 17 posts.
        Gateway g = start(c -> c.withQueueCapacity(16).withSlowConsumerTimeout(Duration.ofSeconds(2)));
        WsTestClient fast = login(g, 2);
        // A client that never reads its socket: the kernel buffers fill, then Netty's, then the queue.
        WsTestClient slow = connect(g, WsTestClient.options().autoRead(false).receiveBuffer(4096));
        slow.send("{\"op\":\"login\",\"uid\":1}");
        eventually("slow client logged in", () -> g.sessions().getByUserId(1) != null);
        String big = "{\"all\":false,\"to\":[1],\"data\":\"" + "y".repeat(16 * 1024) + "\"}";
        long deadline = System.nanoTime() + Patience.seconds(20).toNanos();
        while (metric(g, "gateway_slow_consumer_closes_total") < 1) {
            assertTrue(System.nanoTime() < deadline, "slow consumer never closed; dropped="
                    + metric(g, "gateway_pushes_dropped_total"));
            Http.post(http(g, "/push"), big, Map.of());
        }
        assertTrue(metric(g, "gateway_pushes_dropped_total") > 0, "a full queue drops and counts");
        eventually("slow session removed", () -> g.sessions().getByUserId(1) == null);
        slow.resumeReading();
        int code = slow.awaitCloseCode(WAIT);
        assertTrue(code == CloseCodes.SLOW_CONSUMER || code == -1,
                "closed with 4001, or cut if even the close frame could not get through; got " + code);
        // Everyone else is unharmed.
        Http.post(http(g, "/push"), "{\"to\":[2],\"data\":\"fine\"}", Map.of());
        assertEquals("fine", awaitOp(fast, "msg").get("data").asText());
    }

    @Test
    @DisplayName("stop(): queued messages are flushed, then every session is closed with 1001")
    void gracefulShutdown() {
        Gateway g = start();
        WsTestClient a = login(g, 1);
        WsTestClient b = login(g, 2);
        for (int i = 0; i < 50; i++) {
            Http.post(http(g, "/push"), "{\"all\":true,\"data\":" + i + "}", Map.of());
        }
        g.stop();
        for (WsTestClient c : List.of(a, b)) {
            assertEquals(CloseCodes.GOING_AWAY, c.awaitCloseCode(WAIT));
            long msgs = c.drain().stream().filter(s -> s.contains("\"msg\"")).count();
            assertEquals(50, msgs, "every accepted push arrives before the close frame");
        }
        assertFalse(handshakeStatus(ws(g)) == 101, "no longer accepting");
    }

    @Test
    @DisplayName("without a secret the gateway refuses to listen on a non-loopback address")
    void loopbackOnlyWithoutSecret() throws Exception {
        GatewayConfig open = GatewayConfig.defaults().withPort(0).withBind(java.net.InetAddress.getByName("0.0.0.0"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Gateway.start(stage(), open));
        assertTrue(e.getMessage().contains("--secret"), e.getMessage());
        assertNotNull(start(c -> c.withSecret("x").withBind(java.net.InetAddress.getLoopbackAddress())));
    }
}
