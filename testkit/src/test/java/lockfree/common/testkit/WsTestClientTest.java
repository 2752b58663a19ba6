package lockfree.common.testkit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

import java.net.InetSocketAddress;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link WsTestClient} and {@link Http} against a small Netty server started on loopback.
 *
 * <p>The server echoes text and binary frames and obeys a few text commands, so each test can
 * make it do one thing a gateway does: close with a code, drop the TCP connection, ping, or
 * flood a client. It records what it receives per connection ({@link ServerSide#events}), which
 * is how a test sees the client's side of the conversation: its pongs and its close frames.
 */
class WsTestClientTest {

    private static final Duration WAIT = Patience.seconds(10);

    private static EventLoopGroup serverGroup;
    private static Channel serverChannel;
    private static int port;
    /** One entry per completed server-side handshake, in the order clients connected. */
    private static final BlockingQueue<ServerSide> accepted = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startServer() throws InterruptedException {
        serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        serverChannel = new ServerBootstrap()
                .group(serverGroup)
                .channel(NioServerSocketChannel.class)
                // A small send buffer, so a flood fills the kernel's buffers after kilobytes.
                .childOption(ChannelOption.SO_SNDBUF, 32 * 1024)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new ServerSide());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @AfterAll
    static void stopServer() {
        serverChannel.close().syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** Connects and returns the client together with the server's end of the connection. */
    private static Connection open(WsTestClient.Options options) throws InterruptedException {
        WsTestClient client = WsTestClient.connect(uri("/ws"), options);
        ServerSide server = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(server, "the server did not see the handshake");
        return new Connection(client, server);
    }

    private record Connection(WsTestClient client, ServerSide server) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    // ------------------------------------------------------------------ frames

    @Test
    void textFramesMakeTheRoundTripInOrder() throws Exception {
        try (Connection c = open(WsTestClient.options())) {
            c.client.send("hello");
            c.client.send("wörld ✓");
            assertEquals("hello", c.client.next(WAIT));
            assertEquals("wörld ✓", c.client.next(WAIT));
            assertEquals("text:hello", c.server.nextEvent());
        }
    }

    @Test
    void awaitMatchingSkipsOtherFramesAndDrainTakesTheRest() throws Exception {
        try (Connection c = open(WsTestClient.options())) {
            for (String text : List.of("a", "b", "target-1", "c", "d")) {
                c.client.send(text);
            }
            assertEquals("target-1", c.client.awaitMatching("target", WAIT));
            assertEquals("c", c.client.awaitMatching(s -> !s.startsWith("target"), WAIT));
            c.client.send("e");
            c.client.awaitMatching("e", WAIT);
            assertEquals(List.of(), c.client.drain());
        }
    }

    @Test
    void drainReturnsWhatArrivedWithoutWaiting() throws Exception {
        try (Connection c = open(WsTestClient.options())) {
            c.client.send("1");
            c.client.send("2");
            c.client.sendPing();
            // The server answers in order on one TCP stream: both echoes arrive before the pong.
            c.client.awaitPongs(1, WAIT);
            assertEquals(List.of("1", "2"), c.client.drain());
            assertEquals(List.of(), c.client.drain());
        }
    }

    @Test
    void aMissingFrameFailsWithWhatDidArrive() throws Exception {
        try (Connection c = open(WsTestClient.options())) {
            c.client.send("only-this");
            assertEquals("only-this", c.client.next(WAIT));
            AssertionError e = assertThrows(AssertionError.class, () -> c.client.next(Duration.ofMillis(50)));
            assertTrue(e.getMessage().contains("only-this"), e.getMessage());
            AssertionError skipped = assertThrows(AssertionError.class, () -> {
                c.client.send("not-it");
                c.client.awaitMatching("never", Duration.ofMillis(300));
            });
            assertTrue(skipped.getMessage().contains("skipped [not-it]"), skipped.getMessage());
        }
    }

    @Test
    void binaryFramesMakeTheRoundTrip() throws Exception {
        byte[] payload = {0, 1, 2, (byte) 0xff, 42};
        try (Connection c = open(WsTestClient.options())) {
            c.client.sendBinary(payload);
            assertArrayEquals(payload, c.client.nextBinary(WAIT));
            assertEquals("binary:5", c.server.nextEvent());
        }
    }

    @Test
    void handshakeHeadersReachTheServer() throws Exception {
        try (Connection c = open(WsTestClient.options().header("X-Test-Tag", "abc"))) {
            assertEquals("abc", c.server.handshakeHeader("X-Test-Tag"));
        }
    }

    // ------------------------------------------------------------------ ping / pong

    @Test
    void clientPingIsAnsweredByTheServer() throws Exception {
        try (Connection c = open(WsTestClient.options())) {
            c.client.sendPing();
            c.client.sendPing();
            assertEquals(2, c.client.awaitPongs(2, WAIT));
        }
    }

    @Test
    void serverPingIsAnsweredWithAPongByDefault() throws Exception {
        try (Connection c = open(WsTestClient.options())) {
            c.client.send("ping-me");
            assertEquals("text:ping-me", c.server.nextEvent());
            assertEquals("pong:heartbeat", c.server.nextEvent());
            assertEquals(1, c.client.pingsReceived());
        }
    }

    @Test
    void serverPingIsNotAnsweredWithoutAutoPong() throws Exception {
        try (Connection c = open(WsTestClient.options().autoPong(false))) {
            c.client.send("ping-me");
            c.client.awaitPings(1, WAIT);
            // A pong, had one been sent, would have been written while the ping was handled,
            // before awaitPings returned; so it would reach the server before this frame.
            c.client.send("after-ping");
            assertEquals("text:ping-me", c.server.nextEvent());
            assertEquals("text:after-ping", c.server.nextEvent());
            assertEquals(0, c.server.pongs);
        }
    }

    // ------------------------------------------------------------------ closing

    @Test
    void serverCloseCodeAndReasonAreRecordedAndEchoed() throws Exception {
        try (Connection c = open(WsTestClient.options())) {
            c.client.send("close:4001:too slow");
            assertEquals(4001, c.client.awaitCloseCode(WAIT));
            assertEquals("too slow", c.client.closeReason());
            assertFalse(c.client.isOpen());
            assertEquals("text:close:4001:too slow", c.server.nextEvent());
            assertEquals("close:4001", c.server.nextEvent(), "RFC 6455 asks the client to echo the code");
        }
    }

    @Test
    void tcpCloseWithoutCloseFrameReportsMinusOneAndEndsWaitingEarly() throws Exception {
        try (Connection c = open(WsTestClient.options())) {
            c.client.send("drop");
            assertEquals(-1, c.client.awaitCloseCode(WAIT));
            assertNull(c.client.closeReason());
            // Fails because the connection is gone, not because the 5 s ran out.
            AssertionError e = assertThrows(AssertionError.class, () -> c.client.next(WAIT));
            assertTrue(e.getMessage().startsWith("connection closed"), e.getMessage());
            AssertionError again = assertThrows(AssertionError.class, () -> c.client.awaitMatching("x", WAIT));
            assertTrue(again.getMessage().startsWith("connection closed"), again.getMessage());
        }
    }

    @Test
    void closeSendsNormalClosureAndWaitsForTheServer() throws Exception {
        Connection c = open(WsTestClient.options());
        c.client.close();
        assertFalse(c.client.isOpen());
        assertEquals("close:1000", c.server.nextEvent());
        assertEquals(1000, c.client.awaitCloseCode(WAIT), "the server's answer to our close");
        c.client.close();
    }

    // ------------------------------------------------------------------ handshake failures

    @Test
    void refusedHandshakeReportsTheHttpStatus() {
        WsTestClient.HandshakeFailedException e = assertThrows(WsTestClient.HandshakeFailedException.class,
                () -> WsTestClient.connect(uri("/busy")));
        assertEquals(503, e.status());
        assertEquals("too many connections", e.body());
        assertEquals("1", e.header("Retry-After"));
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    }

    @Test
    void unansweredHandshakeTimesOutWithoutStatus() {
        WsTestClient.HandshakeFailedException e = assertThrows(WsTestClient.HandshakeFailedException.class,
                () -> WsTestClient.connect(uri("/stall"), WsTestClient.options().timeout(Duration.ofMillis(300))));
        assertEquals(-1, e.status());
        assertTrue(e.getMessage().contains("no handshake response"), e.getMessage());
    }

    @Test
    void connectionRefusedReportsNoStatus() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        WsTestClient.HandshakeFailedException e = assertThrows(WsTestClient.HandshakeFailedException.class,
                () -> WsTestClient.connect(URI.create("ws://127.0.0.1:" + closedPort + "/ws")));
        assertEquals(-1, e.status());
    }

    // ------------------------------------------------------------------ slow consumer

    @Test
    void clientWithoutAutoReadLetsTheServerBackUpUntilItResumes() throws Exception {
        WsTestClient.Options slow = WsTestClient.options().autoRead(false).receiveBuffer(8 * 1024);
        try (Connection c = open(slow)) {
            c.client.send("flood");
            assertEquals("text:flood", c.server.nextEvent());
            String outcome = c.server.nextEvent();
            assertTrue(outcome.startsWith("unwritable after "), outcome);
            assertEquals(List.of(), c.client.drain(), "a client that does not read receives nothing");

            c.client.resumeReading();
            String first = c.client.next(WAIT);
            assertTrue(first.startsWith("flood-0-"), first);
        }
    }

    // ------------------------------------------------------------------ Http

    @Test
    void httpGetReturnsStatusBodyAndHeaders() {
        Http.Response r = Http.get(URI.create("http://127.0.0.1:" + port + "/health"));
        assertEquals(200, r.status());
        assertEquals("ok", r.body());
        assertEquals("text/plain; charset=UTF-8", r.header("content-type"));
    }

    @Test
    void httpPostSendsJsonAndHeaders() {
        Http.Response r = Http.post(URI.create("http://127.0.0.1:" + port + "/echo"), "{\"a\":1}",
                Map.of("X-Test-Tag", "t1"));
        assertEquals(200, r.status());
        assertEquals("POST application/json t1 {\"a\":1}", r.body());
        assertEquals(503, Http.get(URI.create("http://127.0.0.1:" + port + "/busy")).status());
    }

    // ------------------------------------------------------------------ the server

    /**
     * The server's end of one connection. Before the handshake it answers HTTP: {@code /ws} is
     * upgraded, {@code /busy} is refused with 503, {@code /stall} is never answered,
     * {@code /health} and {@code /echo} are plain HTTP. After it, text commands:
     * {@code close:CODE:REASON}, {@code drop}, {@code ping-me}, {@code flood}; any other text is
     * echoed.
     */
    private static final class ServerSide extends SimpleChannelInboundHandler<Object> {
        /** What this connection received, as short strings, in order. */
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        volatile int pongs;
        private volatile HttpHeaders handshakeHeaders;
        private WebSocketServerHandshaker handshaker;
        private boolean closeSent;

        String nextEvent() throws InterruptedException {
            String event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(event, "the server received nothing more within " + WAIT);
            return event;
        }

        String handshakeHeader(String name) {
            return handshakeHeaders.get(name);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest) {
                onRequest(ctx, (FullHttpRequest) msg);
            } else {
                onFrame(ctx, (WebSocketFrame) msg);
            }
        }

        private void onRequest(ChannelHandlerContext ctx, FullHttpRequest request) {
            switch (request.uri()) {
                case "/ws" -> {
                    handshakeHeaders = request.headers().copy();
                    handshaker = new WebSocketServerHandshakerFactory("ws://127.0.0.1/ws", null, false)
                            .newHandshaker(request);
                    accepted.add(this);
                    handshaker.handshake(ctx.channel(), request);
                }
                case "/busy" -> {
                    FullHttpResponse response = textResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections");
                    response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
                    ctx.writeAndFlush(response);
                }
                case "/health" -> ctx.writeAndFlush(textResponse(HttpResponseStatus.OK, "ok"));
                case "/echo" -> ctx.writeAndFlush(textResponse(HttpResponseStatus.OK, request.method() + " "
                        + request.headers().get(HttpHeaderNames.CONTENT_TYPE) + " "
                        + request.headers().get("X-Test-Tag") + " "
                        + request.content().toString(StandardCharsets.UTF_8)));
                case "/stall" -> { }
                default -> ctx.writeAndFlush(textResponse(HttpResponseStatus.NOT_FOUND, request.uri()))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static FullHttpResponse textResponse(HttpResponseStatus status, String body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            return response;
        }

        private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame) {
                String text = ((TextWebSocketFrame) frame).text();
                events.add("text:" + text);
                onText(ctx, text);
            } else if (frame instanceof BinaryWebSocketFrame) {
                events.add("binary:" + frame.content().readableBytes());
                ctx.writeAndFlush(new BinaryWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof PongWebSocketFrame) {
                pongs++;
                events.add("pong:" + frame.content().toString(StandardCharsets.UTF_8));
            } else if (frame instanceof CloseWebSocketFrame) {
                CloseWebSocketFrame close = (CloseWebSocketFrame) frame;
                events.add("close:" + close.statusCode());
                if (closeSent) {
                    ctx.close();
                } else {
                    closeSent = true;
                    ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        private void onText(ChannelHandlerContext ctx, String text) {
            if (text.startsWith("close:")) {
                String[] parts = text.split(":", 3);
                closeSent = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(Integer.parseInt(parts[1]), parts[2]));
            } else if (text.equals("drop")) {
                ctx.close();
            } else if (text.equals("ping-me")) {
                ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer("heartbeat", StandardCharsets.UTF_8)));
            } else if (text.equals("flood")) {
                flood(ctx);
            } else {
                ctx.writeAndFlush(new TextWebSocketFrame(text));
            }
        }

        /**
         * Writes 1 KiB frames, flushing each, until the channel turns unwritable. A flush hands
         * the bytes to the kernel at once while its buffers have room, so only a peer that stops
         * reading makes Netty's own outbound buffer grow past its high water mark.
         */
        private void flood(ChannelHandlerContext ctx) {
            String filler = "x".repeat(1024);
            long limit = 64L << 20;
            long written = 0;
            int n = 0;
            while (ctx.channel().isWritable() && written < limit) {
                String text = "flood-" + n++ + "-" + filler;
                ctx.writeAndFlush(new TextWebSocketFrame(text));
                written += text.length();
            }
            events.add(ctx.channel().isWritable()
                    ? "still writable after " + written + " bytes"
                    : "unwritable after " + written + " bytes");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add("exception:" + cause);
            ctx.close();
        }
    }
}
