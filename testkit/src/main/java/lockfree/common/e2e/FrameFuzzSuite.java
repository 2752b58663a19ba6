package lockfree.common.e2e;

import lockfree.common.testkit.RawClient;
import lockfree.common.transport.Gateway;
import lockfree.common.transport.TransportProbe;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static lockfree.common.e2e.GatewayEndToEndSuite.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded WebSocket frame fuzzer whose oracle is RFC 6455. Each input is a fresh connection: an
 * upgrade, a few legal frames (pings, pongs, protocol messages, a fragmented message with a ping
 * inside it, sometimes a login), then, most of the time, one violation of RFC 6455 drawn from the
 * kinds the RFC names (reserved bits and opcodes, unmasked or oversized or fragmented control
 * frames, continuations out of place, text that is not UTF-8, bad close frames, binary data,
 * messages over --max-frame, a 64-bit length with its top bit set), with random payloads, codes
 * and lengths, written in random pieces. The gateway must:
 * <ul>
 *   <li>answer every violation with a close code the RFC allows for it, or drop TCP; answer a legal
 *       input in full (one pong per ping message) and a legal close with its own code;</li>
 *   <li>send only well-formed frames: every byte it sends back is parsed strictly (unmasked, no
 *       reserved bits or opcodes, minimal lengths, control frames whole and short, UTF-8 JSON text,
 *       a valid close code, nothing after the close frame);</li>
 *   <li>never meet an error its handlers did not foresee (each is logged with a stack trace);</li>
 *   <li>and keep delivering the canary pair's messages throughout.</li>
 * </ul>
 * {@code -Dlockfree.fuzz.inputs=N} runs N inputs (300 by default, a few seconds);
 * {@code -Dlockfree.fuzz.seed=S} another sequence. The maintainers' run ({@code @Tag("maintainer")},
 * {@code -Pmaintainer}) runs {@code -Dlockfree.fuzz.long.inputs} (15000 by default, some twenty
 * seconds per stage on two cores). A failure names the seed and the input's index,
 * which reproduce it.
 */
public abstract class FrameFuzzSuite extends HostileFixture {
    static final long SEED = Long.getLong("lockfree.fuzz.seed", 6455L);
    static final int INPUTS = Integer.getInteger("lockfree.fuzz.inputs", 300);
    /** Small, so that "over --max-frame" is a few kilobytes per input. */
    static final int MAX_FRAME = 4096;

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /**
     * One input: its bytes, the pongs (text, for {"op":"ping"}) a legal input must be answered
     * with, and the close codes allowed in answer (empty: no violation, the connection must live).
     */
    record Input(String what, byte[] bytes, int textPongs, Set<Integer> allowedCloses) {
    }

    @Test
    @DisplayName("seeded frame fuzzer: every violation answered with an allowed close code or a TCP drop, only well-formed frames back")
    void fuzz() {
        fuzz(INPUTS);
    }

    @Test
    @Tag("maintainer")
    @DisplayName("the same fuzzer over tens of thousands of inputs")
    void longFuzz() {
        fuzz(Integer.getInteger("lockfree.fuzz.long.inputs", 15_000));
    }

    void fuzz(int inputs) {
        Gateway g = start(c -> c.withMaxFrameBytes(MAX_FRAME));
        long unexpectedBefore = TransportProbe.unexpectedErrors();
        int violations = 0;
        for (int i = 0; i < inputs; i++) {
            // One generator per input, drawn from the seed and the index, so that input i is the same
            // whatever the gateway did with the inputs before it (a write cut short by a close draws
            // fewer pieces): a failure names the seed and the index, and those reproduce it.
            Random rnd = new Random(SEED + i * 0x9E3779B97F4A7C15L);
            Input input = next(rnd, i);
            try {
                run(g.port(), input, rnd);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("fuzz input " + i + " of seed " + SEED + " (" + input.what() + "): " + e.getMessage(), e);
            }
            violations += input.allowedCloses().isEmpty() ? 0 : 1;
        }
        assertTrue(violations > inputs / 2, "most inputs carry a violation: " + violations);
        assertEquals(unexpectedBefore, TransportProbe.unexpectedErrors(), "errors no handler foresaw (each logged with a stack trace)");
        gatewaySurvived(g.port());
        System.out.printf("fuzz of %s, seed %d: %d inputs, %d with a violation, all answered as RFC 6455 allows%n",
                stage().name(), SEED, inputs, violations);
    }

    // ---- the inputs ------------------------------------------------------------------------

    private static final int[] FORBIDDEN_CODES = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535};

    static Input next(Random rnd, int index) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        StringBuilder what = new StringBuilder();
        int pongs = 1; // the probe, appended to every input
        if (rnd.nextInt(3) == 0) {
            b.writeBytes(frame(0x80 | TEXT, true, utf8("{\"op\":\"login\",\"uid\":" + (600 + rnd.nextInt(10)) + "}")));
            what.append("login ");
        }
        for (int n = rnd.nextInt(4); n > 0; n--) {
            switch (rnd.nextInt(6)) {
                case 0 -> { b.writeBytes(frame(0x80 | PING, true, random(rnd, rnd.nextInt(126)))); what.append("ping "); }
                case 1 -> { b.writeBytes(frame(0x80 | PONG, true, random(rnd, rnd.nextInt(126)))); what.append("pong "); }
                case 2 -> { b.writeBytes(frame(0x80 | TEXT, true, utf8("{\"op\":\"ping\"}"))); pongs++; what.append("text-ping "); }
                case 3 -> { // a text message in two fragments with a ping between them (RFC 6455 5.4)
                    b.writeBytes(frame(TEXT, true, utf8("{\"op\":")));
                    b.writeBytes(frame(0x80 | PING, true, random(rnd, 4)));
                    b.writeBytes(frame(0x80 | CONTINUATION, true, utf8("\"ping\"}")));
                    pongs++;
                    what.append("fragmented-ping ");
                }
                case 4 -> { b.writeBytes(frame(0x80 | TEXT, true, utf8("{\"op\":\"send\",\"to\":1,\"data\":[1,\"\u00e9\u20ac\"]}"))); what.append("send "); }
                default -> { b.writeBytes(frame(0x80 | TEXT, true, utf8("not json " + rnd.nextInt()))); what.append("bad-json "); }
            }
        }
        Set<Integer> allowed = Set.of();
        if (rnd.nextInt(10) < 8) {
            int kind = rnd.nextInt(16);
            what.append("violation-").append(kind);
            allowed = Set.of(1002);
            switch (kind) {
                case 0 -> b.writeBytes(frame(0x80 | (0x10 << rnd.nextInt(3)) | TEXT, true, utf8("{\"op\":\"ping\"}")));
                case 1 -> {
                    int[] reserved = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};
                    b.writeBytes(frame(0x80 | reserved[rnd.nextInt(reserved.length)], true, random(rnd, rnd.nextInt(20))));
                }
                case 2 -> b.writeBytes(frame(0x80 | TEXT, false, utf8("{\"op\":\"ping\"}")));
                case 3 -> b.writeBytes(frame(0x80 | (rnd.nextBoolean() ? PING : PONG), true, random(rnd, 126 + rnd.nextInt(200))));
                case 4 -> b.writeBytes(frame(PING, true, random(rnd, rnd.nextInt(10))));
                case 5 -> b.writeBytes(frame((rnd.nextBoolean() ? 0x80 : 0) | CONTINUATION, true, utf8("\"ping\"}")));
                case 6 -> {
                    b.writeBytes(frame(TEXT, true, utf8("{\"op\":")));
                    b.writeBytes(frame(0x80 | (rnd.nextBoolean() ? TEXT : BINARY), true, utf8("{}")));
                }
                case 7 -> {
                    allowed = Set.of(1007);
                    byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF},
                            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}};
                    ByteArrayOutputStream t = new ByteArrayOutputStream();
                    t.writeBytes(utf8("{\"op\":\"ping\",\"x\":\""));
                    t.writeBytes(bad[rnd.nextInt(bad.length)]);
                    t.writeBytes(utf8("\"}"));
                    b.writeBytes(frame(0x80 | TEXT, true, t.toByteArray()));
                }
                case 8 -> b.writeBytes(frame(0x80 | CLOSE, true, new byte[] {(byte) rnd.nextInt(256)}));
                case 9 -> b.writeBytes(frame(0x80 | CLOSE, true, closePayload(FORBIDDEN_CODES[rnd.nextInt(FORBIDDEN_CODES.length)], utf8("x"))));
                case 10 -> {
                    allowed = Set.of(1007);
                    b.writeBytes(frame(0x80 | CLOSE, true, closePayload(1000, new byte[] {(byte) 0xC3, 0x28})));
                }
                case 11 -> {
                    allowed = Set.of(1003);
                    b.writeBytes(frame(0x80 | BINARY, true, random(rnd, 1 + rnd.nextInt(64))));
                }
                case 12 -> {
                    allowed = Set.of(1009);
                    b.writeBytes(frame(0x80 | TEXT, true, utf8("\"" + "x".repeat(MAX_FRAME + rnd.nextInt(2000)) + "\"")));
                }
                case 13 -> {
                    allowed = Set.of(1009);
                    int pieces = 2 + rnd.nextInt(4);
                    int each = MAX_FRAME / pieces + 100;
                    b.writeBytes(frame(TEXT, true, utf8("x".repeat(each))));
                    for (int p = 1; p < pieces; p++) {
                        b.writeBytes(frame((p == pieces - 1 ? 0x80 : 0) | CONTINUATION, true, utf8("x".repeat(each))));
                    }
                }
                case 14 -> {
                    allowed = Set.of(1002, 1009);
                    ByteBuffer h = ByteBuffer.allocate(14).put((byte) (0x80 | TEXT)).put((byte) (0x80 | 127))
                            .putLong(Long.MIN_VALUE | rnd.nextInt(1 << 20)).putInt(rnd.nextInt());
                    b.writeBytes(h.array());
                }
                default -> { // a legal close: echoed with its own code
                    int[] codes = {1000, 1001, 1003, 1008, 3000 + rnd.nextInt(2000)};
                    int code = codes[rnd.nextInt(codes.length)];
                    allowed = Set.of(code);
                    b.writeBytes(frame(0x80 | CLOSE, true, closePayload(code, utf8("bye \u00e9"))));
                    what.append(" (legal close ").append(code).append(')');
                }
            }
        }
        b.writeBytes(frame(0x80 | TEXT, true, utf8("{\"op\":\"ping\"}"))); // the probe
        return new Input(what.toString().trim(), b.toByteArray(), pongs, allowed);
    }

    /** A frame as a client would write it: {@code b0} is FIN, RSV and opcode; masked unless told not to. */
    static byte[] frame(int b0, boolean masked, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write(b0);
        int n = payload.length;
        int mask = masked ? 0x80 : 0;
        if (n < 126) {
            b.write(mask | n);
        } else if (n < 65536) {
            b.write(mask | 126);
            b.write(n >>> 8);
            b.write(n);
        } else {
            b.write(mask | 127);
            b.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
        }
        byte[] key = {0x12, 0x34, 0x56, 0x78};
        if (masked) {
            b.writeBytes(key);
        }
        for (int i = 0; i < n; i++) {
            b.write(masked ? payload[i] ^ key[i & 3] : payload[i]);
        }
        return b.toByteArray();
    }

    static byte[] closePayload(int code, byte[] reason) {
        return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    // ---- the oracle ------------------------------------------------------------------------

    /** A frame the gateway sent, already checked. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private void run(int port, Input input, Random rnd) {
        try (RawClient r = raw(port)) {
            r.write(RawClient.upgrade("/ws", Map.of()));
            assertEquals(101, r.readResponse().status());
            InputStream in = r.socket().getInputStream();
            writeInPieces(r.socket().getOutputStream(), input.bytes(), rnd);
            int pongs = 0;
            while (true) {
                Frame f = readStrict(in);
                if (f == null) { // TCP closed without a close frame: allowed for a violation only
                    assertTrue(!input.allowedCloses().isEmpty(), "dropped a connection that broke no rule");
                    return;
                }
                if (f.opcode() == CLOSE) {
                    assertTrue(input.allowedCloses().contains(f.closeCode()),
                            "closed with " + f.closeCode() + ", allowed: " + input.allowedCloses());
                    try {
                        r.write(frame(0x80 | CLOSE, true, closePayload(f.closeCode(), new byte[0])));
                    } catch (UncheckedIOException gone) {
                        // the gateway may close TCP right after its close frame
                    }
                    assertEquals(null, readStrict(in), "nothing after the close frame");
                    return;
                }
                if (f.opcode() == TEXT && "pong".equals(json(new String(f.payload(), StandardCharsets.UTF_8)).path("op").asText())) {
                    pongs++;
                    if (input.allowedCloses().isEmpty() && pongs == input.textPongs()) {
                        break; // every message of a legal input answered; now a clean close
                    }
                }
            }
            r.write(frame(0x80 | CLOSE, true, closePayload(1000, new byte[0])));
            Frame f;
            while ((f = readStrict(in)) != null && f.opcode() != CLOSE) {
                // late replies (a pong frame, an error) may come before the echo
            }
            assertTrue(f != null && f.closeCode() == 1000, "a legal close is echoed with 1000");
            assertEquals(null, readStrict(in), "nothing after the close frame");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeInPieces(OutputStream out, byte[] bytes, Random rnd) throws IOException {
        int at = 0;
        while (at < bytes.length) {
            int n = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(Math.min(bytes.length - at, 64)) : bytes.length - at;
            try {
                out.write(bytes, at, n);
                out.flush();
            } catch (SocketException closed) {
                return; // the gateway closed after a violation; the rest is moot
            }
            at += n;
        }
    }

    /** One server frame, checked against RFC 6455 5.2 and 5.5; null at a clean end of stream. */
    static Frame readStrict(InputStream in) throws IOException {
        int b0;
        try {
            b0 = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("neither closed nor answered within the read timeout");
        } catch (SocketException reset) {
            return null; // a reset is a TCP drop
        }
        if (b0 == -1) {
            return null;
        }
        int b1 = readByte(in);
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        assertEquals(0, b0 & 0x70, "reserved bits set by the gateway");
        assertTrue(Set.of(CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG).contains(opcode), "reserved opcode " + opcode);
        assertEquals(0, b1 & 0x80, "a server frame must not be masked");
        long n = b1 & 0x7F;
        if (n == 126) {
            n = (readByte(in) << 8) | readByte(in);
            assertTrue(n >= 126, "16-bit length for " + n + " bytes (not minimal)");
        } else if (n == 127) {
            n = ByteBuffer.wrap(readExactly(in, 8)).getLong();
            assertTrue(n >= 65536, "64-bit length for " + n + " bytes (not minimal, or the top bit set)");
        }
        if (opcode >= CLOSE) {
            assertTrue(fin, "a fragmented control frame");
            assertTrue(n <= 125, "a control frame of " + n + " bytes");
        }
        assertTrue(n <= MAX_FRAME + 1024, "a frame of " + n + " bytes, more than any reply needs");
        byte[] payload = readExactly(in, (int) n);
        assertTrue(opcode != BINARY && opcode != CONTINUATION && fin, "the gateway sends whole text frames only; got opcode "
                + opcode + (fin ? "" : " without FIN"));
        if (opcode == TEXT) {
            assertTrue(json(utf8Strict(payload)).isObject(), "a text frame that is not a JSON object");
        } else if (opcode == CLOSE) {
            assertTrue(payload.length != 1, "a close frame with a 1-byte payload");
            if (payload.length >= 2) {
                int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                assertTrue((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999),
                        "a close code no endpoint may send: " + code);
                utf8Strict(java.util.Arrays.copyOfRange(payload, 2, payload.length));
            }
        }
        return new Frame(opcode, payload);
    }

    private static String utf8Strict(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("text from the gateway that is not UTF-8", e);
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b == -1) {
            throw new EOFException("a frame cut off by the end of the stream");
        }
        return b;
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("a frame cut off after " + b.length + " of " + n + " payload bytes");
        }
        return b;
    }
}
