package lockfree.common.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * A real WebSocket client over loopback, one connection per instance, for end-to-end tests.
 *
 * <p>It is a hand-built Netty pipeline around {@link WebSocketClientHandshaker} rather than
 * Netty's {@code WebSocketClientProtocolHandler}, because tests must control what a protocol
 * handler would do for them: whether a server ping is answered ({@link Options#autoPong}),
 * whether the socket is read at all ({@link Options#autoRead}, a slow consumer), and what the
 * server's close frame said.
 *
 * <pre>{@code
 * try (WsTestClient alice = WsTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws"))) {
 *     alice.send("{\"op\":\"login\",\"userId\":1}");
 *     alice.awaitMatching("login_ok", Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Incoming text frames queue up in arrival order; {@link #next}, {@link #awaitMatching} and
 * {@link #drain} consume them. Waiting methods take a deadline and fail with an
 * {@link AssertionError} that lists the frames that did arrive and the connection's state; they
 * fail early once the connection is closed and nothing more can come.
 *
 * <p>{@link #connect} returns only once the server has switched protocols; a refusal (say 503
 * when the gateway is full) is thrown as {@link HandshakeFailedException} carrying the status.
 *
 * <p>All clients share one small pool of daemon event-loop threads, so a test may open hundreds.
 * Methods may be called from any thread; the queues and counters are thread-safe.
 */
public final class WsTestClient implements AutoCloseable {

    /** How a connection is made; every setter returns {@code this}. Copied by {@code connect}. */
    public static final class Options {
        private int maxFramePayload = 1 << 20;
        private boolean autoPong = true;
        private boolean autoRead = true;
        private int receiveBufferBytes;
        private Duration timeout = Patience.seconds(10);
        private final HttpHeaders headers = new DefaultHttpHeaders();

        /**
         * Largest incoming message (one frame's payload, or a fragmented message's total)
         * accepted; default 1 MiB. A refused handshake's body is read up to 64 KiB.
         */
        public Options maxFramePayload(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxFramePayload must be positive: " + bytes);
            }
            this.maxFramePayload = bytes;
            return this;
        }

        /** Whether a server ping is answered with a pong carrying its payload; default true. */
        public Options autoPong(boolean autoPong) {
            this.autoPong = autoPong;
            return this;
        }

        /**
         * Default true. False makes a slow consumer: once the handshake is done the client stops
         * reading from the socket, so the server's writes pile up in the kernel buffers and then
         * in the server's own outbound buffer. Pair it with a small {@link #receiveBuffer} to
         * reach that point after kilobytes instead of megabytes. {@link #resumeReading()} lets
         * the test read what arrived, e.g. the close frame the server sent meanwhile.
         */
        public Options autoRead(boolean autoRead) {
            this.autoRead = autoRead;
            return this;
        }

        /** The socket's SO_RCVBUF in bytes; 0 (default) keeps the operating system's. */
        public Options receiveBuffer(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("receiveBuffer must not be negative: " + bytes);
            }
            this.receiveBufferBytes = bytes;
            return this;
        }

        /** Bound on connect + handshake, and on each {@code send*} write; default 5 s. */
        public Options timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Adds a header to the handshake request, e.g. {@code Origin} or a forwarded address. */
        public Options header(String name, String value) {
            headers.add(name, value);
            return this;
        }
    }

    /**
     * The WebSocket connection was not established. {@link #status()} is the HTTP status the
     * server answered instead of {@code 101 Switching Protocols} (e.g. 503 when a gateway is
     * full, 401 for a bad token), or -1 when no HTTP response arrived at all: connection refused
     * or reset, closed during the handshake, or no answer within the timeout.
     */
    public static final class HandshakeFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String body;
        private final transient HttpHeaders headers;

        HandshakeFailedException(String message, int status, String body, HttpHeaders headers, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.body = body;
            this.headers = headers;
        }

        /** The HTTP status of the refusal, or -1 if the server sent no HTTP response. */
        public int status() {
            return status;
        }

        /** The refusal's body as UTF-8 text; empty when there was none. */
        public String body() {
            return body;
        }

        /** A header of the refusal (case-insensitive name), or null. */
        public String header(String name) {
            return headers.get(name);
        }
    }

    /**
     * Created on first use. Two threads serve hundreds of test connections; they are daemons, so
     * the group needs no shutdown and never keeps a finished test JVM alive.
     */
    private static final class SharedLoop {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
                Math.min(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("ws-test-client", true),
                NioIoHandler.newFactory());
    }

    /** Marks the end of the text queue once the connection is closed; compared by identity. */
    private static final Object END = new Object();

    private static final int HISTORY = 32;
    private static final int MAX_SHOWN_CHARS = 300;

    private final URI uri;
    private final boolean autoPong;
    private final boolean autoRead;
    private final Duration timeout;
    private final WebSocketClientHandshaker handshaker;
    private final CompletableFuture<HandshakeOutcome> handshake = new CompletableFuture<>();

    private final BlockingQueue<Object> texts = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    /** The last text frames received, consumed or not, for failure messages. Guarded by itself. */
    private final ArrayDeque<String> history = new ArrayDeque<>();
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger pongs = new AtomicInteger();
    private final AtomicInteger pingsSent = new AtomicInteger();
    /** Set by whichever side of us sends a close frame first: the user, or the close reply. */
    private final AtomicBoolean closeSent = new AtomicBoolean();
    /** Waiters for counters and close sleep here; every inbound event notifies. */
    private final Object events = new Object();

    private volatile int closeCode = -1;
    private volatile String closeReason;
    private volatile Throwable failure;
    private volatile Channel channel;

    private WsTestClient(URI uri, Options options) {
        this.uri = uri;
        this.autoPong = options.autoPong;
        this.autoRead = options.autoRead;
        this.timeout = options.timeout;
        this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, false, options.headers.copy(), options.maxFramePayload);
    }

    /** Connects with default {@link Options}; see {@link #connect(URI, Options)}. */
    public static WsTestClient connect(URI uri) {
        return connect(uri, options());
    }

    /** A fresh set of defaults to adjust: {@code WsTestClient.options().autoPong(false)}. */
    public static Options options() {
        return new Options();
    }

    /**
     * Opens a TCP connection to a {@code ws://} URI and completes the WebSocket handshake.
     *
     * @throws HandshakeFailedException if the server did not switch protocols within the timeout
     */
    public static WsTestClient connect(URI uri, Options options) {
        if (!"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected ws://host:port/path, got " + uri);
        }
        WsTestClient client = new WsTestClient(uri, options);
        client.open(options);
        return client;
    }

    private void open(Options options) {
        Bootstrap bootstrap = new Bootstrap()
                .group(SharedLoop.GROUP)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // The codec and the aggregator carry the handshake; finishHandshake()
                        // replaces both with the WebSocket frame decoder and encoder.
                        ch.pipeline().addLast(
                                new HttpClientCodec(),
                                new HttpObjectAggregator(64 * 1024),
                                new WebSocketFrameAggregator(handshaker.maxFramePayloadLength()),
                                new ClientHandler());
                    }
                });
        if (options.receiveBufferBytes > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, options.receiveBufferBytes);
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        ChannelFuture connected = bootstrap.connect(uri.getHost(), port);
        channel = connected.channel();
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                handshake.complete(HandshakeOutcome.noResponse(f.cause()));
            }
        });

        HandshakeOutcome outcome;
        try {
            outcome = handshake.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            outcome = HandshakeOutcome.noResponse(new TimeoutException("no handshake response within " + timeout));
        } catch (ExecutionException e) {
            outcome = HandshakeOutcome.noResponse(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = HandshakeOutcome.noResponse(e);
        }
        if (outcome.status == 101 && outcome.failure == null) {
            return;
        }
        channel.close().awaitUninterruptibly(timeout.toMillis());
        String message = outcome.status == -1
                ? "WebSocket handshake with " + uri + " failed before any HTTP response: " + outcome.failure
                : "WebSocket handshake with " + uri + " refused: HTTP " + outcome.status
                        + (outcome.failure != null ? " (" + outcome.failure.getMessage() + ")" : "")
                        + (outcome.body.isEmpty() ? "" : ", body: " + shorten(outcome.body));
        throw new HandshakeFailedException(message, outcome.status, outcome.body, outcome.headers, outcome.failure);
    }

    // ------------------------------------------------------------------ sending

    /** Sends a text frame and waits until it is written to the socket. */
    public void send(String text) {
        write(new TextWebSocketFrame(text));
    }

    /** Sends a binary frame (a copy of {@code payload}) and waits until it is written. */
    public void sendBinary(byte[] payload) {
        write(new BinaryWebSocketFrame(Unpooled.copiedBuffer(payload)));
    }

    /** Sends a ping; the server's pongs are counted by {@link #pongsReceived()}. */
    public void sendPing() {
        write(new PingWebSocketFrame(Unpooled.copyInt(pingsSent.incrementAndGet())));
    }

    /**
     * Writes and flushes any frame without waiting: malformed sequences, oversized frames, or a
     * flood where waiting for each write would slow the test down. Takes ownership of
     * {@code frame} (Netty releases it once written or failed). Sending a close frame this way
     * counts as this client's close: the server's answer is then not answered again.
     */
    public ChannelFuture sendRaw(WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame) {
            closeSent.set(true);
        }
        return channel.writeAndFlush(frame);
    }

    private void write(WebSocketFrame frame) {
        ChannelFuture written = sendRaw(frame);
        if (!written.awaitUninterruptibly(timeout.toMillis())) {
            throw new AssertionError("frame not written within " + timeout + describe());
        }
        if (!written.isSuccess()) {
            throw new IllegalStateException("could not send a frame" + describe(), written.cause());
        }
    }

    // ------------------------------------------------------------------ receiving

    /** The next text frame, waiting up to {@code timeout}; fails if none arrives. */
    public String next(Duration timeout) {
        Object item = poll(timeout.toNanos());
        if (item == null) {
            throw new AssertionError("no text frame within " + timeout + describe());
        }
        if (item == END) {
            throw new AssertionError("connection closed, no more text frames" + endAndDescribe());
        }
        return (String) item;
    }

    /** Consumes text frames until one contains {@code substring}, and returns that frame. */
    public String awaitMatching(String substring, Duration timeout) {
        return awaitMatching(text -> text.contains(substring), "containing \"" + substring + "\"", timeout);
    }

    /** Consumes text frames until one satisfies {@code matcher}, and returns that frame. */
    public String awaitMatching(Predicate<String> matcher, Duration timeout) {
        return awaitMatching(matcher, "matching the predicate", timeout);
    }

    private String awaitMatching(Predicate<String> matcher, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            Object item = poll(deadline - System.nanoTime());
            if (item == null) {
                throw new AssertionError("no text frame " + what + " within " + timeout
                        + "; skipped " + shorten(skipped) + describe());
            }
            if (item == END) {
                throw new AssertionError("connection closed before a text frame " + what
                        + " arrived; skipped " + shorten(skipped) + endAndDescribe());
            }
            String text = (String) item;
            if (matcher.test(text)) {
                return text;
            }
            skipped.add(text);
        }
    }

    /** Removes and returns the text frames that have arrived and not been consumed, oldest first. */
    public List<String> drain() {
        List<Object> items = new ArrayList<>();
        texts.drainTo(items);
        List<String> drained = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item == END) {
                texts.add(END);
            } else {
                drained.add((String) item);
            }
        }
        return drained;
    }

    /** The next binary message's payload, waiting up to {@code timeout}; fails if none arrives. */
    public byte[] nextBinary(Duration timeout) {
        try {
            byte[] payload = binaries.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (payload == null) {
                throw new AssertionError("no binary frame within " + timeout + describe());
            }
            return payload;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a binary frame", e);
        }
    }

    /** Lets a client made with {@code autoRead(false)} read again, e.g. to see a close frame. */
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    // ------------------------------------------------------------------ ping / pong

    /** How many pings the server has sent us. */
    public int pingsReceived() {
        return pings.get();
    }

    /** How many pongs the server has sent us. */
    public int pongsReceived() {
        return pongs.get();
    }

    /** Waits until at least {@code count} pings have arrived; returns the count. */
    public int awaitPings(int count, Duration timeout) {
        return awaitCount(pings::get, count, "pings", timeout);
    }

    /** Waits until at least {@code count} pongs have arrived; returns the count. */
    public int awaitPongs(int count, Duration timeout) {
        return awaitCount(pongs::get, count, "pongs", timeout);
    }

    private int awaitCount(IntSupplier counter, int count, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (counter.getAsInt() < count) {
                if (!channel.isOpen()) {
                    throw new AssertionError("connection closed with " + counter.getAsInt() + " of "
                            + count + " " + what + describe());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(counter.getAsInt() + " of " + count + " " + what
                            + " after " + timeout + describe());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(events, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + what, e);
                }
            }
            return counter.getAsInt();
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Waits until the TCP connection is closed and returns the status code of the close frame the
     * server sent: 1005 if its close frame carried no code, -1 if the server sent no close frame
     * at all. Fails if the connection is still open at the deadline.
     */
    public int awaitCloseCode(Duration timeout) {
        if (!channel.closeFuture().awaitUninterruptibly(timeout.toMillis())) {
            throw new AssertionError("connection still open after " + timeout + describe());
        }
        return closeCode;
    }

    /** The reason text of the server's close frame; null if none arrived. */
    public String closeReason() {
        return closeReason;
    }

    /** Whether the TCP connection is open (it stays open briefly after a close frame). */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Closes the connection: sends close 1000 and, as the closing handshake prescribes, waits up
     * to one second for the server to answer and close TCP, then closes it in any case. A client
     * that is not reading ({@code autoRead(false)}) cannot see the answer, so it does not wait.
     * Safe to call more than once.
     */
    @Override
    public void close() {
        Channel ch = channel;
        if (ch.isActive() && closeSent.compareAndSet(false, true)) {
            ChannelFuture written = ch.writeAndFlush(new CloseWebSocketFrame(1000, "client closing"));
            if (ch.config().isAutoRead()) {
                ch.closeFuture().awaitUninterruptibly(1_000);
            } else {
                written.awaitUninterruptibly(1_000);
            }
        }
        ch.close().awaitUninterruptibly(timeout.toMillis());
    }

    @Override
    public String toString() {
        return "WsTestClient[" + uri + describe() + "]";
    }

    // ------------------------------------------------------------------ internals

    private Object poll(long nanos) {
        try {
            return texts.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a text frame", e);
        }
    }

    /** Puts the end marker back, so every later wait fails at once too, and describes the state. */
    private String endAndDescribe() {
        texts.add(END);
        return describe();
    }

    private String describe() {
        List<String> recent;
        synchronized (history) {
            recent = new ArrayList<>(history);
        }
        Channel ch = channel;
        StringBuilder s = new StringBuilder(" [");
        s.append(ch != null && ch.isOpen() ? "open" : "closed");
        if (closeCode != -1) {
            s.append(", server close ").append(closeCode).append(" \"").append(closeReason).append('"');
        }
        Throwable t = failure;
        if (t != null) {
            s.append(", failure ").append(t);
        }
        s.append(", last text frames received ").append(shorten(recent)).append(']');
        return s.toString();
    }

    private static String shorten(List<String> frames) {
        List<String> shown = new ArrayList<>(frames.size());
        for (String frame : frames) {
            shown.add(shorten(frame));
        }
        return shown.toString();
    }

    private static String shorten(String text) {
        return text.length() <= MAX_SHOWN_CHARS ? text : text.substring(0, MAX_SHOWN_CHARS) + "...";
    }

    private void signal() {
        synchronized (events) {
            events.notifyAll();
        }
    }

    /** What the handshake ended with; status -1 when no HTTP response arrived. */
    private static final class HandshakeOutcome {
        final int status;
        final String body;
        final HttpHeaders headers;
        final Throwable failure;

        HandshakeOutcome(int status, String body, HttpHeaders headers, Throwable failure) {
            this.status = status;
            this.body = body;
            this.headers = headers;
            this.failure = failure;
        }

        static HandshakeOutcome noResponse(Throwable cause) {
            return new HandshakeOutcome(-1, "", EmptyHttpHeaders.INSTANCE, cause);
        }
    }

    /** Runs on the connection's event loop. Frames are released by SimpleChannelInboundHandler. */
    private final class ClientHandler extends SimpleChannelInboundHandler<Object> {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel()).addListener(f -> {
                if (!f.isSuccess()) {
                    handshake.complete(HandshakeOutcome.noResponse(f.cause()));
                }
            });
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpResponse && !handshaker.isHandshakeComplete()) {
                onHandshakeResponse(ctx, (FullHttpResponse) msg);
            } else if (msg instanceof WebSocketFrame) {
                onFrame(ctx, (WebSocketFrame) msg);
            } else {
                throw new IllegalStateException("unexpected message " + msg);
            }
        }

        private void onHandshakeResponse(ChannelHandlerContext ctx, FullHttpResponse response) {
            int status = response.status().code();
            HttpHeaders headers = response.headers().copy();
            if (status != 101) {
                String body = response.content().toString(StandardCharsets.UTF_8);
                handshake.complete(new HandshakeOutcome(status, body, headers, null));
                ctx.close();
                return;
            }
            try {
                handshaker.finishHandshake(ctx.channel(), response);
            } catch (RuntimeException e) {
                handshake.complete(new HandshakeOutcome(status, "", headers, e));
                ctx.close();
                return;
            }
            if (!autoRead) {
                // Turned off before connect() returns, so the test cannot race a read of its own
                // first messages; whatever this read already pulled in is still delivered.
                ctx.channel().config().setAutoRead(false);
            }
            handshake.complete(new HandshakeOutcome(status, "", headers, null));
        }

        private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame) {
                String text = ((TextWebSocketFrame) frame).text();
                synchronized (history) {
                    if (history.size() == HISTORY) {
                        history.removeFirst();
                    }
                    history.addLast(text);
                }
                texts.add(text);
            } else if (frame instanceof BinaryWebSocketFrame) {
                binaries.add(ByteBufUtil.getBytes(frame.content()));
            } else if (frame instanceof PingWebSocketFrame) {
                // Counted first: once the server has our pong, pingsReceived() already shows it.
                pings.incrementAndGet();
                if (autoPong) {
                    // The pong shares the ping's buffer: one retain for the pong's write, which
                    // releases it; SimpleChannelInboundHandler releases the ping's own count.
                    ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
                }
            } else if (frame instanceof PongWebSocketFrame) {
                pongs.incrementAndGet();
            } else if (frame instanceof CloseWebSocketFrame) {
                onClose(ctx, (CloseWebSocketFrame) frame);
            }
            signal();
        }

        private void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
            int code = close.statusCode();
            // RFC 6455 7.1.5: a close frame without a status code means "1005 No Status Rcvd".
            closeCode = code == -1 ? 1005 : code;
            closeReason = code == -1 ? "" : close.reasonText();
            if (closeSent.compareAndSet(false, true)) {
                // RFC 6455 5.5.1: answer with a close frame, echoing the status code received.
                // The code's two bytes are copied as they are, so even a code this client would
                // refuse to send itself is echoed faithfully.
                int codeBytes = Math.min(2, close.content().readableBytes());
                CloseWebSocketFrame reply = new CloseWebSocketFrame(
                        true, 0, close.content().retainedSlice(close.content().readerIndex(), codeBytes));
                ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            // No-op once the handshake has completed; before that, the server hung up on us.
            handshake.complete(HandshakeOutcome.noResponse(
                    new IOException("connection closed before a complete handshake response")));
            texts.add(END);
            signal();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = cause;
            handshake.complete(HandshakeOutcome.noResponse(cause));
            ctx.close();
        }
    }
}
