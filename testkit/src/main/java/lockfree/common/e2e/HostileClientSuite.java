package lockfree.common.e2e;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import lockfree.common.transport.GatewayConfig;
import lockfree.common.contract.Stage;
import lockfree.common.protocol.CloseCodes;
import lockfree.common.protocol.ErrorCode;
import lockfree.common.protocol.Tokens;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.RawClient;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static lockfree.common.e2e.GatewayEndToEndSuite.awaitOp;
import static lockfree.common.e2e.GatewayEndToEndSuite.eventually;
import static lockfree.common.e2e.GatewayEndToEndSuite.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one anonymous client must not be able to do to the gateway, and what it hears instead: the
 * promises of docs/PROTOCOL.md, "Limits and abuse", one test each. A stage runs all of it with
 * <pre>
 * class Stage0HostileTest extends HostileClientSuite {
 *     &#64;Override protected Stage stage() { return Stage0Main.STAGE; }
 * }
 * </pre>
 * Throughout every test a canary pair of users exchanges messages on the same gateway; each test
 * ends by checking that the canary lost nothing and that {@code /health} still answers.
 *
 * <p>The cases that need a gateway in a JVM of its own (a small heap flooded for half a minute,
 * the log volume) are in {@link HostileChildJvmSuite}: the transport they attack is common's, the
 * same for every stage, so one stage runs them.
 */
public abstract class HostileClientSuite extends HostileFixture {
    // ---- 1. one outbound budget; control frames are rate limited ------------------------

    @Test
    @DisplayName("pings draw from --rate-limit like every frame: a ping flood gets few pongs and rate_limited")
    void pingsCountAgainstTheRateLimit() {
        Gateway g = start(c -> c.withRateLimitPerSecond(50));
        WsTestClient pinger = connect(g, WsTestClient.options());
        int pings = 400;
        for (int i = 0; i < pings; i++) {
            pinger.sendRaw(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[8])));
        }
        eventually("every ping answered or dropped",
                () -> g.metrics().errors(ErrorCode.RATE_LIMITED) + pinger.pongsReceived() >= pings);
        assertTrue(pinger.pongsReceived() < pings / 2,
                "at 50/s with a burst of 50, most of 400 pings are dropped; pongs: " + pinger.pongsReceived());
        assertEquals(ErrorCode.RATE_LIMITED.wire(), awaitOp(pinger, "error").get("code").asText());
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("a client that sends pings and sends but never reads is no longer read, then closed with 4001")
    void aClientThatDoesNotReadIsStoppedThenClosed() {
        // A rate limit high enough that only the outbound budget can stop the flood.
        Gateway g = start(c -> c.withRateLimitPerSecond(1_000_000).withSlowConsumerTimeout(Duration.ofMillis(500)));
        WsTestClient flooder = connect(g, WsTestClient.options().autoRead(false).receiveBuffer(4096));
        flooder.send("{\"op\":\"login\",\"uid\":666}");
        // Every send is acked with its 4 KB id; every ping is answered with its 125-byte payload.
        String send = "{\"op\":\"send\",\"to\":404,\"data\":0,\"id\":\"" + "i".repeat(4096) + "\"}";
        long deadline = System.nanoTime() + Patience.seconds(20).toNanos();
        int stalls = flood(flooder, send, deadline, () -> { });
        assertTrue(!flooder.isOpen(), "the gateway kept a client that does not read for 20 s");
        assertTrue(stalls > 0, "the gateway stopped reading the flooder before it closed it");
        assertTrue(g.metrics().errors(ErrorCode.NOT_READING) >= 1, "counted as not_reading");
        flooder.resumeReading();
        int code = flooder.awaitCloseCode(WAIT);
        assertTrue(code == CloseCodes.SLOW_CONSUMER || code == -1,
                "closed with 4001, or cut when even the close frame could not get through; got " + code);
        gatewaySurvived(g.port());
    }

    /**
     * Floods pings and sends from a client that does not read, until the gateway closes it or the
     * deadline passes, calling {@code eachRound} between batches. A batch is written only once the
     * previous one has left this client: the backlog must pile up at the gateway, not in our own
     * buffers (and not in the client threads the canary shares). Returns how many times a batch
     * stayed unsent for a while, i.e. how often the gateway had stopped reading us.
     */
    private static int flood(WsTestClient flooder, String send, long deadlineNanos, Runnable eachRound) {
        int stalls = 0;
        ChannelFuture last = null;
        while (flooder.isOpen() && System.nanoTime() < deadlineNanos) {
            if (last == null || last.isDone()) {
                for (int i = 0; i < 100; i++) {
                    flooder.sendRaw(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[125])));
                    last = flooder.sendRaw(new TextWebSocketFrame(send));
                }
            } else if (!last.awaitUninterruptibly(200)) {
                stalls++;
            }
            eachRound.run();
        }
        return stalls;
    }

    // ---- 2. only RFC 6455 version 13 -----------------------------------------------------

    @Test
    @DisplayName("a handshake that is not version 13 (hixie-76, drafts) gets 426 with Sec-WebSocket-Version: 13")
    void onlyVersion13() {
        Gateway g = start(c -> c);
        List<Map<String, String>> variants = List.of(
                // hixie-76: no version header, two keys, eight bytes of body
                Map.of("Sec-WebSocket-Version", "", "Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5",
                        "Sec-WebSocket-Key2", "12998 5 Y3 1  .P00", "Origin", "http://127.0.0.1"),
                Map.of("Sec-WebSocket-Version", "8"),
                Map.of("Sec-WebSocket-Version", "7"));
        for (Map<String, String> variant : variants) {
            try (RawClient r = raw(g.port())) {
                Map<String, String> headers = new java.util.HashMap<>(variant);
                headers.replaceAll((k, v) -> v.isEmpty() ? null : v);
                r.write(RawClient.upgrade("/ws", headers), "^n:ds[4U".getBytes(StandardCharsets.US_ASCII));
                RawClient.Response res = r.readResponse();
                assertEquals(426, res.status(), variant + " -> " + res);
                assertEquals("13", res.header("Sec-WebSocket-Version"));
                assertEquals(ErrorCode.UNSUPPORTED_VERSION.wire(), json(res.body()).get("error").asText());
                r.readToEnd();
            }
        }
        assertEquals(3, g.metrics().errors(ErrorCode.UNSUPPORTED_VERSION));
        gatewaySurvived(g.port());
    }

    // ---- 3. a handshake, then a login, within their timeouts ------------------------------

    @Test
    @DisplayName("keep-alive requests do not reset the handshake deadline: a slow upgrade after GET /health is cut")
    void keepAliveDoesNotExtendTheHandshake() {
        Gateway g = start(c -> c.withHandshakeTimeout(Duration.ofMillis(800)));
        RawClient r = raw(g.port());
        r.write(RawClient.request("GET", "/health", Map.of("Host", "127.0.0.1"), ""));
        assertEquals(200, r.readResponse().status());
        // Then the upgrade, one byte every 50 ms: it would take several seconds to arrive.
        byte[] upgrade = RawClient.upgrade("/ws", Map.of());
        AtomicInteger trickled = new AtomicInteger();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        others.add(trickle::shutdownNow);
        trickle.scheduleAtFixedRate(() -> {
            int i = trickled.get();
            if (i < upgrade.length) {
                r.write(new byte[] {upgrade[i]});
                trickled.incrementAndGet();
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        r.readToEnd();
        assertTrue(trickled.get() < upgrade.length,
                "closed before the slow upgrade was complete (" + trickled.get() + " of " + upgrade.length + " bytes)");
        eventually("counted", () -> g.metrics().errors(ErrorCode.HANDSHAKE_TIMEOUT) >= 1);
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("a WebSocket that answers pings but never logs in is closed with 4003 after --login-timeout")
    void noLoginMeansClosed() {
        Gateway g = start(c -> c.withLoginTimeout(Duration.ofMillis(3000)).withIdleTimeout(Duration.ofMillis(2000)));
        WsTestClient lurker = connect(g, WsTestClient.options()); // answers the gateway's pings
        lurker.send("{\"op\":\"ping\"}");
        awaitOp(lurker, "pong");
        assertEquals(CloseCodes.LOGIN_TIMEOUT, lurker.awaitCloseCode(WAIT));
        assertTrue(lurker.pingsReceived() >= 1, "it was pinged and answered, and was closed all the same");
        assertEquals(1, g.metrics().errors(ErrorCode.LOGIN_TIMEOUT));
        gatewaySurvived(g.port());
    }

    // ---- 5. the lesser findings ----------------------------------------------------------

    @Test
    @DisplayName("at --max-connections /health and /metrics still answer; /ws and /push get 503")
    void monitoringAtTheConnectionLimit() {
        Gateway g = start(c -> c.withMaxConnections(4)); // the canary holds two
        connect(g, WsTestClient.options());
        connect(g, WsTestClient.options());
        eventually("four connections", () -> g.sessions().size() == 4);
        assertEquals(200, Http.get(http(g.port(), "/health")).status());
        Http.Response metrics = Http.get(http(g.port(), "/metrics"));
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("gateway_connections"), metrics.body());
        WsTestClient.HandshakeFailedException refused = assertThrows(WsTestClient.HandshakeFailedException.class,
                () -> WsTestClient.connect(ws(g.port())));
        assertEquals(503, refused.status());
        assertEquals(503, Http.post(http(g.port(), "/push"), "{\"all\":true,\"data\":1}").status());
        canary.verify();
    }

    @Test
    @DisplayName("Origin: without a secret only loopback pages; with one, the gateway's own page and --allowed-origin")
    void originIsChecked() {
        Gateway g = start(c -> c);
        String own = "http://127.0.0.1:" + g.port();
        for (String origin : List.of(own, "http://localhost:5173", "http://[::1]:8080")) {
            connect(g, WsTestClient.options().header("Origin", origin)).close();
        }
        for (String origin : List.of("http://evil.example", "null", "http://127.0.0.1.evil.example")) {
            WsTestClient.HandshakeFailedException e = assertThrows(WsTestClient.HandshakeFailedException.class,
                    () -> WsTestClient.connect(ws(g.port()), WsTestClient.options().header("Origin", origin)), origin);
            assertEquals(403, e.status(), origin);
        }
        assertEquals(403, Http.post(http(g.port(), "/push"), "{\"all\":true,\"data\":1}",
                Map.of("Origin", "http://evil.example")).status());
        assertEquals(202, Http.post(http(g.port(), "/push"), "{\"to\":[1],\"data\":1}", Map.of("Origin", own)).status());
        assertEquals(4, g.metrics().errors(ErrorCode.FORBIDDEN_ORIGIN));

        Gateway secret = startGateway(GatewayConfig.defaults().withPort(0).withSecret("s")
                .withAllowedOrigins(List.of("https://app.example")));
        gateways.add(secret);
        for (String origin : List.of("https://app.example", "http://127.0.0.1:" + secret.port())) {
            track(WsTestClient.connect(ws(secret.port()), WsTestClient.options().header("Origin", origin))).close();
        }
        WsTestClient.HandshakeFailedException e = assertThrows(WsTestClient.HandshakeFailedException.class,
                () -> WsTestClient.connect(ws(secret.port()), WsTestClient.options().header("Origin", "http://localhost:3000")));
        assertEquals(403, e.status(), "with a secret, another loopback page is just another origin");
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("POST /push takes only application/json (415 otherwise): a page cannot post a simple request")
    void pushTakesOnlyJson() {
        Gateway g = start(c -> c);
        String body = "{\"to\":[1],\"data\":1}";
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            Http.Response r = Http.post(http(g.port(), "/push"), body, Map.of("Content-Type", type));
            assertEquals(415, r.status(), type);
            assertEquals(ErrorCode.UNSUPPORTED_MEDIA_TYPE.wire(), json(r.body()).get("error").asText());
        }
        assertEquals(202, Http.post(http(g.port(), "/push"), body, Map.of("Content-Type", "application/json; charset=utf-8")).status());
        try (RawClient r = raw(g.port())) { // no Content-Type at all
            r.write(RawClient.request("POST", "/push", Map.of("Host", "x", "Content-Length", Integer.toString(body.length())), body));
            assertEquals(415, r.readResponse().status());
        }
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("a close frame with a code RFC 6455 forbids is answered 1002; a valid one is echoed")
    void invalidCloseCodes() {
        Gateway g = start(c -> c);
        for (int code : new int[] {999, 1004, 1005, 1006, 1015, 2999, 5000}) {
            WsTestClient c = connect(g, WsTestClient.options());
            c.sendRaw(new CloseWebSocketFrame(true, 0, Unpooled.buffer(2).writeShort(code)));
            assertEquals(CloseCodes.PROTOCOL_ERROR, c.awaitCloseCode(WAIT), "close code " + code);
        }
        for (int code : new int[] {1000, 3000, 4999}) {
            WsTestClient c = connect(g, WsTestClient.options());
            c.sendRaw(new CloseWebSocketFrame(code, "bye"));
            assertEquals(code, c.awaitCloseCode(WAIT), "a valid close code " + code + " is echoed");
        }
        WsTestClient c = connect(g, WsTestClient.options());
        c.sendRaw(new CloseWebSocketFrame(true, 0, Unpooled.buffer().writeShort(1000).writeByte(0xC3).writeByte(0x28)));
        int code = c.awaitCloseCode(WAIT);
        assertTrue(code == 1007, "a reason that is not UTF-8 is answered 1007 (invalid payload data); got " + code);
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("data is passed through verbatim: 1e400 and 1.00000000000000000001 arrive as sent")
    void dataVerbatim() {
        Gateway g = start(c -> c);
        WsTestClient from = connect(g, WsTestClient.options());
        WsTestClient to = connect(g, WsTestClient.options());
        from.send("{\"op\":\"login\",\"uid\":1}");
        to.send("{\"op\":\"login\",\"uid\":2}");
        awaitOp(from, "login_ok");
        awaitOp(to, "login_ok");
        for (String data : List.of("1e400", "1.00000000000000000001", "[1E2,-0.0]")) {
            from.send("{\"op\":\"send\",\"to\":2,\"data\":" + data + "}");
            assertEquals("{\"op\":\"msg\",\"from\":1,\"data\":" + data + "}", to.awaitMatching("\"msg\"", WAIT));
            assertEquals(202, Http.post(http(g.port(), "/push"), "{\"to\":[2],\"data\":" + data + "}").status());
            assertEquals("{\"op\":\"msg\",\"from\":0,\"data\":" + data + "}", to.awaitMatching("\"msg\"", WAIT));
        }
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("a token whose signature is spelled non-canonically (spare base64 bits flipped) is refused")
    void nonCanonicalToken() {
        Gateway g = start(c -> c.withSecret("s3cret"));
        String token = new Tokens("s3cret").mint(7, Instant.now().plusSeconds(600).getEpochSecond());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(token.charAt(token.length() - 1));
        String sameBytes = token.substring(0, token.length() - 1) + alphabet.charAt(last ^ 1);
        WsTestClient c = connect(g, WsTestClient.options());
        c.send("{\"op\":\"login\",\"uid\":7,\"token\":\"" + sameBytes + "\"}");
        assertEquals(ErrorCode.AUTH_FAILED.wire(), awaitOp(c, "error").get("code").asText());
        assertEquals(CloseCodes.POLICY_VIOLATION, c.awaitCloseCode(WAIT));
        WsTestClient ok = connect(g, WsTestClient.options());
        ok.send("{\"op\":\"login\",\"uid\":7,\"token\":\"" + token + "\"}");
        awaitOp(ok, "login_ok");
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("headers over 8 KiB get 431 and a request line over 8 KiB gets 414, then the connection closes")
    void oversizedRequests() {
        Gateway g = start(c -> c);
        try (RawClient r = raw(g.port())) {
            r.write(RawClient.request("GET", "/health", Map.of("Host", "x", "X-Pad", "p".repeat(9000)), ""));
            assertEquals(431, r.readResponse().status());
            r.readToEnd();
        }
        try (RawClient r = raw(g.port())) {
            r.write(RawClient.request("GET", "/health?" + "q".repeat(10_000), Map.of("Host", "x"), ""));
            assertEquals(414, r.readResponse().status());
            r.readToEnd();
        }
        assertEquals(1, g.metrics().errors(ErrorCode.HEADERS_TOO_LARGE));
        assertEquals(1, g.metrics().errors(ErrorCode.URI_TOO_LONG));
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("frames sent in the same write as the upgrade request are processed, not dropped")
    void framesWithTheUpgrade() {
        Gateway g = start(c -> c);
        RawClient r = raw(g.port());
        r.write(RawClient.upgrade("/ws", Map.of()), RawClient.text("{\"op\":\"login\",\"uid\":5}"),
                RawClient.text("{\"op\":\"ping\"}"));
        assertEquals(101, r.readResponse().status());
        assertTrue(r.readFrame().text().contains("\"login_ok\""));
        assertTrue(r.readFrame().text().contains("\"pong\""));
        gatewaySurvived(g.port());
    }
}
