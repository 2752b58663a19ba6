package lockfree.common.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import lockfree.common.protocol.ErrorCode;
import lockfree.common.protocol.Protocol;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.RawClient;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static lockfree.common.e2e.GatewayEndToEndSuite.WAIT;
import static lockfree.common.e2e.GatewayEndToEndSuite.awaitOp;
import static lockfree.common.e2e.GatewayEndToEndSuite.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.1 request framing and smuggling (RFC 9112), the promises of docs/PROTOCOL.md, "HTTP":
 * where one request ends and the next begins must be the same for the gateway as for the client
 * that wrote them, or a request hidden in another's body gets executed. Every case here hides a
 * push for a {@link #VICTIM} user where a confused parser would find it, and ends by checking that
 * the victim received nothing but a marker pushed afterwards ({@link #nothingSmuggled}); around
 * them the canary pair of {@link HostileFixture} keeps talking. A stage runs it with
 * <pre>
 * class Stage0HttpFramingTest extends HttpFramingSuite {
 *     &#64;Override protected Stage stage() { return Stage0Main.STAGE; }
 * }
 * </pre>
 */
public abstract class HttpFramingSuite extends HostileFixture {
    static final long VICTIM = 7007;
    /** The /push body a smuggled request carries: it must never reach {@link #VICTIM}. */
    static final String SMUGGLED_BODY = "{\"to\":[" + VICTIM + "],\"data\":\"smuggled\"}";
    /** A small --max-frame, so that "over the limit" is a few kilobytes. */
    static final int MAX_FRAME = 2048;

    private WsTestClient victim;

    /** A gateway with a small --max-frame, the canary, and the victim logged in. */
    Gateway startWithVictim() {
        Gateway g = start(c -> c.withMaxFrameBytes(MAX_FRAME));
        victim = connect(g, WsTestClient.options());
        victim.send("{\"op\":\"login\",\"uid\":" + VICTIM + "}");
        awaitOp(victim, "login_ok");
        return g;
    }

    /** A complete, well-formed push request for the victim, as a smuggler would hide it. */
    static String smuggledPush(String host) {
        return "POST /push HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                + SMUGGLED_BODY.length() + "\r\n\r\n" + SMUGGLED_BODY;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The victim got nothing before a marker pushed now. The smuggled push, had it been executed,
     * was queued for the victim while the attacker's bytes were read, which was before the
     * attacker saw its answer or its close; the marker is queued after, and one queue keeps order.
     */
    void nothingSmuggled(Gateway g) {
        assertEquals(202, Http.post(http(g.port(), "/push"), "{\"to\":[" + VICTIM + "],\"data\":\"marker\"}").status());
        String first = victim.awaitMatching(s -> s.contains("\"msg\""), WAIT);
        assertEquals("{\"op\":\"msg\",\"from\":0,\"data\":\"marker\"}", first, "the smuggled push was executed");
    }

    /** Reads one response and then the end of the connection; the response must say it closes. */
    static RawClient.Response answeredThenClosed(RawClient r) {
        RawClient.Response res = r.readResponse();
        assertEquals("close", String.valueOf(res.header("Connection")).toLowerCase(), "says it closes: " + res);
        r.readToEnd();
        return res;
    }

    static String head(String method, String target, String version, Map<String, String> headers) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(' ').append(version).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString();
    }

    static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- Expect ------------------------------------------------------------------------

    @Test
    @DisplayName("Expect: 100-continue over --max-frame gets 413 and a close; the unread body is never parsed as a request")
    void refusedExpectationClosesAndItsBodyIsNotARequest() {
        Gateway g = startWithVictim();
        String hidden = smuggledPush("127.0.0.1");
        String body = hidden + " ".repeat(MAX_FRAME + 1 - hidden.length());
        try (RawClient r = raw(g.port())) {
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Expect", "100-continue", "Content-Length", Integer.toString(body.length())))), bytes(body));
            assertEquals(413, answeredThenClosed(r).status());
        }
        try (RawClient r = raw(g.port())) {
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Expect", "the-moon", "Content-Length", Integer.toString(hidden.length())))), bytes(hidden));
            assertEquals(417, answeredThenClosed(r).status());
        }
        nothingSmuggled(g);
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("a body over --max-frame, by Content-Length or in chunks, gets 413 and a close; nothing after it is executed")
    void oversizedBodiesClose() {
        Gateway g = startWithVictim();
        String hidden = smuggledPush("127.0.0.1");
        try (RawClient r = raw(g.port())) {
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Content-Length", Integer.toString(MAX_FRAME + 1)))), bytes(hidden));
            assertEquals(413, answeredThenClosed(r).status());
        }
        try (RawClient r = raw(g.port())) {
            String chunk = " ".repeat(MAX_FRAME / 2 + 1);
            String chunks = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n";
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Transfer-Encoding", "chunked")) + chunks + chunks + "0\r\n\r\n" + hidden));
            assertEquals(413, answeredThenClosed(r).status());
        }
        nothingSmuggled(g);
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("Expect: 100-continue within --max-frame gets 100 Continue, then the request is served")
    void acceptedExpectationIsServed() {
        Gateway g = startWithVictim();
        try (RawClient r = raw(g.port())) {
            String body = "{\"to\":[1],\"data\":1}";
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Expect", "100-continue", "Content-Length", Integer.toString(body.length())))));
            assertEquals(100, r.readResponse().status());
            r.write(bytes(body));
            assertEquals(202, r.readResponse().status());
        }
        gatewaySurvived(g.port());
    }

    // ---- a response that closes ends the connection's requests ------------------------

    @Test
    @DisplayName("after Connection: close, or HTTP/1.0 without keep-alive, requests already sent are not executed")
    void nothingAfterAClosingResponse() {
        Gateway g = startWithVictim();
        String ok = "{\"to\":[1],\"data\":1}";
        for (String first : List.of(
                head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                        "Connection", "close", "Content-Length", Integer.toString(ok.length()))) + ok,
                head("POST", "/push", "HTTP/1.0", headers("Content-Type", "application/json",
                        "Content-Length", Integer.toString(ok.length()))) + ok,
                head("GET", "/nowhere", "HTTP/1.1", headers("Host", "127.0.0.1", "Connection", "close")))) {
            try (RawClient r = raw(g.port())) {
                r.write(bytes(first + smuggledPush("127.0.0.1")));
                RawClient.Response res = answeredThenClosed(r);
                assertTrue(res.status() == 202 || res.status() == 404, res.toString());
            }
        }
        nothingSmuggled(g);
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("keep-alive pipelining is served in order; a refused request (400) ends the connection and what follows it")
    void pipeliningAndAfterARefusal() {
        Gateway g = startWithVictim();
        try (RawClient r = raw(g.port())) {
            String get = head("GET", "/health", "HTTP/1.1", headers("Host", "127.0.0.1"));
            r.write(bytes(get + get + head("GET", "/health", "HTTP/1.1", Map.of()) + smuggledPush("127.0.0.1")));
            assertEquals(200, r.readResponse().status());
            assertEquals(200, r.readResponse().status());
            assertEquals(400, answeredThenClosed(r).status(), "HTTP/1.1 without Host");
        }
        nothingSmuggled(g);
        gatewaySurvived(g.port());
    }

    // ---- Content-Length and Transfer-Encoding -----------------------------------------

    @Test
    @DisplayName("Content-Length with Transfer-Encoding, an unknown coding, or chunked in HTTP/1.0: 400 (or 501) and closed")
    void conflictingFramingIsRefused() {
        Gateway g = startWithVictim();
        String hidden = smuggledPush("127.0.0.1");
        Map<String, String> json = headers("Host", "127.0.0.1", "Content-Type", "application/json");
        List<String> attacks = List.of(
                // CL.TE: a front end reading Content-Length would pass the hidden request on as body
                head("POST", "/push", "HTTP/1.1", with(json, "Content-Length", "5", "Transfer-Encoding", "chunked"))
                        + "0\r\n\r\n" + hidden,
                head("POST", "/push", "HTTP/1.1", with(json, "Transfer-Encoding", "chunked", "Content-Length", "40"))
                        + "0\r\n\r\n" + hidden,
                head("POST", "/push", "HTTP/1.1", with(json, "Transfer-Encoding", "gzip")) + hidden,
                head("POST", "/push", "HTTP/1.1", with(json, "Transfer-Encoding", "chunked, gzip")) + "0\r\n\r\n" + hidden,
                head("POST", "/push", "HTTP/1.1", with(json, "Transfer-Encoding", "gzip, chunked")) + "0\r\n\r\n" + hidden,
                head("POST", "/push", "HTTP/1.1", with(json, "Transfer-Encoding", " chunked", "Transfer-Encoding", "x"))
                        + "0\r\n\r\n" + hidden,
                head("POST", "/push", "HTTP/1.0", headers("Content-Type", "application/json", "Transfer-Encoding", "chunked"))
                        + "0\r\n\r\n" + hidden,
                head("POST", "/push", "HTTP/1.1", with(json, "Content-Length", "3", "Content-Length", "40")) + hidden,
                head("POST", "/push", "HTTP/1.1", with(json, "Content-Length", "+3")) + hidden);
        for (String attack : attacks) {
            try (RawClient r = raw(g.port())) {
                r.write(bytes(attack));
                int status = answeredThenClosed(r).status();
                assertTrue(status == 400 || status == 501, "refused: " + status + " for\n" + attack);
            }
        }
        nothingSmuggled(g);
        gatewaySurvived(g.port());
    }

    /** Some attacks repeat a header name, so a list of pairs rather than a map. */
    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            String name = kv[i];
            while (m.containsKey(name)) {
                name = name.toLowerCase().equals(name) ? name.toUpperCase() : name.toLowerCase();
            }
            m.put(name, kv[i + 1]);
        }
        return m;
    }

    @Test
    @DisplayName("a body shorter than its Content-Length is never served; a longer one's excess is the next request")
    void bodiesShorterOrLongerThanDeclared() {
        Gateway g = startWithVictim();
        try (RawClient r = raw(g.port())) {
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Content-Length", Integer.toString(SMUGGLED_BODY.length() + 10))) + SMUGGLED_BODY));
            shutdownOutput(r);
            assertEquals(0, r.readToEnd(), "nothing answered for a request whose body never came");
        }
        try (RawClient r = raw(g.port())) {
            String ok = "{\"to\":[1],\"data\":1}";
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Content-Length", Integer.toString(ok.length()))) + ok + "{\"to\":[" + VICTIM + "]}\r\n\r\n"));
            assertEquals(202, r.readResponse().status());
            assertEquals(400, answeredThenClosed(r).status(), "the excess is not a request");
        }
        nothingSmuggled(g);
        gatewaySurvived(g.port());
    }

    private static void shutdownOutput(RawClient r) {
        try {
            r.socket().shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("a chunk line over 8 KiB (a long chunk extension) gets 413, not 414, and a close")
    void oversizedChunkExtension() {
        Gateway g = startWithVictim();
        try (RawClient r = raw(g.port())) {
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Transfer-Encoding", "chunked")) + "5;ext=" + "e".repeat(20_000) + "\r\n"));
            RawClient.Response res = answeredThenClosed(r);
            assertEquals(413, res.status(), res.toString());
            assertEquals(ErrorCode.BAD_HTTP.wire(), json(res.body()).get("error").asText());
        }
        try (RawClient r = raw(g.port())) { // a short extension is ignored, as RFC 9112 (7.1.1) asks
            String body = "{\"to\":[1],\"data\":1}";
            r.write(bytes(head("POST", "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Transfer-Encoding", "chunked")) + Integer.toHexString(body.length()) + ";a=b\r\n" + body + "\r\n0\r\n\r\n"));
            assertEquals(202, r.readResponse().status());
        }
        gatewaySurvived(g.port());
    }

    // ---- Host and the request target -----------------------------------------------------

    @Test
    @DisplayName("HTTP/1.1 needs exactly one valid Host (400 otherwise, upgrades included); HTTP/1.0 may omit it")
    void hostIsRequiredOnce() {
        Gateway g = startWithVictim();
        List<String> bad = List.of(
                head("GET", "/health", "HTTP/1.1", Map.of()),
                head("GET", "/health", "HTTP/1.1", with(headers("Host", "127.0.0.1"), "Host", "127.0.0.1")),
                head("GET", "/health", "HTTP/1.1", headers("Host", "a b")),
                head("GET", "/health", "HTTP/1.1", headers("Host", "x/y")),
                head("GET", "/health", "HTTP/1.0", with(headers("Host", "a"), "Host", "b")),
                new String(RawClient.upgrade("/ws", Collections.singletonMap("Host", null)), StandardCharsets.ISO_8859_1));
        for (String request : bad) {
            try (RawClient r = raw(g.port())) {
                r.write(bytes(request));
                RawClient.Response res = answeredThenClosed(r);
                assertEquals(400, res.status(), request);
                assertEquals(ErrorCode.BAD_HTTP.wire(), json(res.body()).get("error").asText());
            }
        }
        try (RawClient r = raw(g.port())) {
            r.write(bytes(head("GET", "/health", "HTTP/1.0", Map.of())));
            assertEquals(200, r.readResponse().status(), "HTTP/1.0 without Host");
        }
        try (RawClient r = raw(g.port())) {
            r.write(bytes(head("GET", "/health", "HTTP/1.1", headers("Host", "[::1]:8080"))));
            assertEquals(200, r.readResponse().status(), "an IPv6 literal with a port");
        }
        gatewaySurvived(g.port());
    }

    @Test
    @DisplayName("absolute-form targets for this gateway are served (/health, /push, /ws); for another host, 400")
    void absoluteFormTargets() {
        Gateway g = startWithVictim();
        String own = "http://127.0.0.1:" + g.port();
        try (RawClient r = raw(g.port())) {
            r.write(bytes(head("GET", own + "/health", "HTTP/1.1", headers("Host", "127.0.0.1:" + g.port()))));
            assertEquals(200, r.readResponse().status());
            r.write(bytes(head("GET", "HTTP://LOCALHOST:" + g.port() + "/health?x=1", "HTTP/1.1", headers("Host", "whatever"))));
            assertEquals(200, r.readResponse().status(), "scheme and host are case-insensitive; Host is ignored");
            String body = "{\"to\":[1],\"data\":1}";
            r.write(bytes(head("POST", own + "/push", "HTTP/1.1", headers("Host", "127.0.0.1", "Content-Type", "application/json",
                    "Content-Length", Integer.toString(body.length()))) + body));
            assertEquals(202, r.readResponse().status());
        }
        try (RawClient r = raw(g.port())) {
            r.write(RawClient.upgrade(own + "/ws", Map.of()), RawClient.text("{\"op\":\"ping\"}"));
            assertEquals(101, r.readResponse().status());
            assertTrue(r.readFrame().text().contains("\"pong\""));
        }
        for (String target : List.of("http://evil.example/health", "http://127.0.0.1:1/health", "https://127.0.0.1:" + g.port()
                + "/health", "http://user@127.0.0.1:" + g.port() + "/health", "ftp://127.0.0.1:" + g.port() + "/health",
                "health", "127.0.0.1:" + g.port())) {
            try (RawClient r = raw(g.port())) {
                r.write(bytes(head("GET", target, "HTTP/1.1", headers("Host", "127.0.0.1:" + g.port())) + smuggledPush("127.0.0.1")));
                assertEquals(400, answeredThenClosed(r).status(), target);
            }
        }
        nothingSmuggled(g);
        gatewaySurvived(g.port());
    }

    // ---- JSON parser limits a client can reach ----------------------------------------

    @Test
    @DisplayName("JSON limits (name length, nesting, number length) answer 400 on /push and bad_json on /ws, as documented")
    void jsonLimits() {
        Gateway g = start(c -> c);
        WsTestClient ws = connect(g, WsTestClient.options());
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("name", new String[] {
                "{\"to\":[1],\"data\":{\"" + "n".repeat(Protocol.MAX_NAME_LENGTH) + "\":1}}",
                "{\"to\":[1],\"data\":{\"" + "n".repeat(Protocol.MAX_NAME_LENGTH + 1) + "\":1}}"});
        cases.put("nesting", new String[] {
                "{\"to\":[1],\"data\":" + "[".repeat(Protocol.MAX_NESTING - 1) + "]".repeat(Protocol.MAX_NESTING - 1) + "}",
                "{\"to\":[1],\"data\":" + "[".repeat(Protocol.MAX_NESTING) + "]".repeat(Protocol.MAX_NESTING) + "}"});
        cases.put("number", new String[] {
                "{\"to\":[1],\"data\":" + "9".repeat(Protocol.MAX_NUMBER_LENGTH) + "}",
                "{\"to\":[1],\"data\":" + "9".repeat(Protocol.MAX_NUMBER_LENGTH + 1) + "}"});
        cases.forEach((limit, pair) -> {
            assertEquals(202, Http.post(http(g.port(), "/push"), pair[0]).status(), limit + " at the limit");
            Http.Response over = Http.post(http(g.port(), "/push"), pair[1]);
            assertEquals(400, over.status(), limit + " over the limit");
            assertEquals(ErrorCode.BAD_REQUEST.wire(), json(over.body()).get("error").asText());
            ws.send("{\"op\":\"ping\",\"x\":" + pair[1].substring(pair[1].indexOf("\"data\":") + 7, pair[1].length() - 1) + "}");
            JsonNode error = awaitOp(ws, "error");
            assertEquals(ErrorCode.BAD_JSON.wire(), error.get("code").asText(), limit);
        });
        gatewaySurvived(g.port());
    }
}
