package lockfree.common.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A plain blocking socket for hand-written bytes: requests a real client would never send
 * (pre-RFC handshakes, 10 KB request lines, frames in the same write as the upgrade, bodies cut
 * off halfway), and a parser for what comes back. Where a well-formed WebSocket will do, use
 * {@link WsTestClient}; this is for the bytes it refuses to produce.
 *
 * <pre>{@code
 * try (RawClient raw = RawClient.connect(port)) {
 *     raw.write(RawClient.upgrade("/ws", Map.of()), RawClient.text("{\"op\":\"login\",\"uid\":1}"));
 *     assertEquals(101, raw.readResponse().status());
 *     assertTrue(raw.readFrame().text().contains("login_ok"));
 * }
 * }</pre>
 * Every read waits at most the timeout given to {@link #connect(int, Duration)} (5 s by default, times {@link Patience})
 * and fails with {@link SocketTimeoutException} wrapped in an {@link UncheckedIOException}.
 */
public final class RawClient implements AutoCloseable {
    /** Opcodes of RFC 6455 5.2. */
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawClient connect(int port) {
        return connect(port, Patience.seconds(5));
    }

    public static RawClient connect(int port, Duration readTimeout) {
        return connect(port, readTimeout, 0);
    }

    /**
     * As {@link #connect(int, Duration)}, with SO_RCVBUF set to {@code receiveBufferBytes} (0 keeps
     * the system's): a client that does not read fills a small buffer after kilobytes. Writes
     * block once the server stops reading, which makes a flood that never buffers on our side.
     */
    public static RawClient connect(int port, Duration readTimeout, int receiveBufferBytes) {
        try {
            Socket s = new Socket();
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout((int) readTimeout.toMillis());
            s.setTcpNoDelay(true);
            return new RawClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP response: status, headers (lower-case names) and body (by Content-Length). */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A WebSocket frame from the server (servers never mask). */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, 1005 if it carried none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    // ------------------------------------------------------------------ building bytes

    /** An RFC 6455 upgrade request for {@code path}; {@code headers} are added or replace the defaults. */
    public static byte[] upgrade(String path, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1");
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        h.put("Sec-WebSocket-Version", "13");
        headers.forEach((k, v) -> {
            h.keySet().removeIf(k::equalsIgnoreCase);
            if (v != null) {
                h.put(k, v);
            }
        });
        return request("GET", path, h, "");
    }

    /** A request with exactly these headers (no others are added) and {@code body}. */
    public static byte[] request(String method, String path, Map<String, String> headers, String body) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("\r\n").append(body);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A final, masked client text frame. */
    public static byte[] text(String text) {
        return frame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A close frame with {@code code} and the reason's raw bytes (which need not be UTF-8). */
    public static byte[] close(int code, byte[] reason) {
        ByteBuffer b = ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason);
        return frame(true, CLOSE, b.array());
    }

    /** A masked client frame, as RFC 6455 5.2 lays it out. */
    public static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            b.write(0x80 | n);
        } else if (n < 65536) {
            b.write(0x80 | 126);
            b.write(n >>> 8);
            b.write(n);
        } else {
            b.write(0x80 | 127);
            b.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        b.writeBytes(mask);
        for (int i = 0; i < n; i++) {
            b.write(payload[i] ^ mask[i & 3]);
        }
        return b.toByteArray();
    }

    // ------------------------------------------------------------------ talking

    /** Writes all the pieces in one write (so in one TCP segment on loopback, as far as the OS goes). */
    public void write(byte[]... pieces) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : pieces) {
            b.writeBytes(p);
        }
        try {
            out.write(b.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one HTTP response: status line, headers, and a body of Content-Length bytes. */
    public Response readResponse() {
        try {
            String status = readLine();
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP status line: " + status);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line; !(line = readLine()).isEmpty(); ) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new Response(Integer.parseInt(parts[1]), headers, new String(readExactly(length), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one frame. */
    public Frame readFrame() {
        try {
            int b0 = readByte();
            int b1 = readByte();
            long n = b1 & 0x7F;
            if (n == 126) {
                n = ((readByte() & 0xFF) << 8) | (readByte() & 0xFF);
            } else if (n == 127) {
                n = ByteBuffer.wrap(readExactly(8)).getLong();
            }
            if ((b1 & 0x80) != 0) {
                readExactly(4); // a server must not mask, but read past it if it does
            }
            return new Frame((b0 & 0x80) != 0, b0 & 0x0F, readExactly((int) n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads frames until a close frame, and returns its code; fails if the stream ends first. */
    public int readCloseCode() {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == CLOSE) {
                return f.closeCode();
            }
        }
    }

    /**
     * Reads and discards until the server closes the connection; returns how many bytes came.
     * A reset counts as closed. Fails (read timeout) if the connection stays open.
     */
    public long readToEnd() {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw new UncheckedIOException("still open after the read timeout, " + total + " bytes read", e);
        } catch (SocketException e) {
            // connection reset: closed too
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = readByte()) != '\n'; ) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b == -1) {
            throw new EOFException("the server closed the connection");
        }
        return b;
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the server closed the connection after " + b.length + " of " + n + " bytes");
        }
        return b;
    }
}
