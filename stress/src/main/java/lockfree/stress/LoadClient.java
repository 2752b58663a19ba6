package lockfree.stress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Many WebSocket connections to one gateway, as lean as a load generator's client must be: every
 * CPU cycle it spends is a cycle the gateway under test does not get on a 2-core machine.
 *
 * <p>Unlike the test kit's client (one connection, queues of frames to assert on, knobs for
 * misbehaving), this one keeps no frames: each incoming {@code msg} or {@code ack} is parsed once
 * and handed to a {@link Listener} on the event loop. {@link #open} connects, upgrades, logs in
 * and completes when {@code login_ok} arrives. Connections can be bound to a chosen loopback
 * source address, because one source address reaches one gateway port only as many times as the
 * ephemeral port range is wide (about 28,000 on Linux).
 */
final class LoadClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Called on a connection's event loop; must be quick and thread-safe. */
    interface Listener {
        /** A {@code msg} frame arrived for {@code to}; {@code data} is what its sender put in. */
        void onMessage(Conn to, JsonNode data, long nowNanos);

        /** An {@code ack} for a frame {@code from} sent. */
        void onAck(Conn from, JsonNode id, String status);

        /** Any other frame: {@code error}, {@code kicked}. */
        void onOther(Conn conn, JsonNode frame);
    }

    /** One logged-in user. */
    final class Conn {
        final long uid;
        /** Position among the worker's logged-in users; set by the worker before any send. */
        int slot;
        private volatile Channel channel;

        Conn(long uid) {
            this.uid = uid;
        }

        /** Writes and flushes one text frame; from any thread (Netty hands it to the event loop). */
        void send(String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
        }

        boolean isOpen() {
            Channel ch = channel;
            return ch != null && ch.isActive();
        }
    }

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final URI uri;
    private final InetSocketAddress gateway;
    private final Listener listener;

    LoadClient(InetSocketAddress gateway, int threads, Listener listener) {
        this.gateway = gateway;
        this.listener = listener;
        this.uri = URI.create("ws://" + gateway.getAddress().getHostAddress() + ':' + gateway.getPort() + "/ws");
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("stress-client", true), io);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
    }

    /**
     * Connects from {@code source} (port chosen by the kernel), upgrades to WebSocket, logs in as
     * {@code uid}. Completes with the connection once {@code login_ok} arrives, exceptionally if
     * anything before that fails.
     */
    CompletableFuture<Conn> open(long uid, InetAddress source) {
        Conn conn = new Conn(uid);
        CompletableFuture<Conn> loggedIn = new CompletableFuture<>();
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, false, EmptyHttpHeaders.INSTANCE, 64 * 1024);
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // The codec and aggregator read the upgrade response; finishHandshake() swaps them
                // for the WebSocket frame decoder and encoder.
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                        new Handler(conn, handshaker, loggedIn));
            }
        });
        b.connect(gateway, new InetSocketAddress(source, 0)).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                conn.channel = f.channel();
            } else {
                loggedIn.completeExceptionally(f.cause());
            }
        });
        return loggedIn;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One per connection: the handshake, the login, then frames to the listener. */
    private final class Handler extends SimpleChannelInboundHandler<Object> {
        private final Conn conn;
        private final WebSocketClientHandshaker handshaker;
        private final CompletableFuture<Conn> loggedIn;

        Handler(Conn conn, WebSocketClientHandshaker handshaker, CompletableFuture<Conn> loggedIn) {
            this.conn = conn;
            this.handshaker = handshaker;
            this.loggedIn = loggedIn;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            conn.channel = ctx.channel();
            handshaker.handshake(ctx.channel());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws IOException {
            if (msg instanceof FullHttpResponse response && !handshaker.isHandshakeComplete()) {
                if (response.status().code() != 101) {
                    throw new IOException("gateway refused the upgrade: HTTP " + response.status());
                }
                handshaker.finishHandshake(ctx.channel(), response);
                ctx.writeAndFlush(new TextWebSocketFrame("{\"op\":\"login\",\"uid\":" + conn.uid + '}'));
            } else if (msg instanceof TextWebSocketFrame text) {
                onText(text.text());
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame) {
                ctx.close();
            } else if (!(msg instanceof WebSocketFrame)) {
                throw new IOException("unexpected " + msg);
            }
        }

        private void onText(String text) throws IOException {
            long now = System.nanoTime(); // before parsing: the parse is the client's cost, not the gateway's
            JsonNode frame = JSON.readTree(text);
            switch (frame.path("op").asText()) {
                case "msg" -> listener.onMessage(conn, frame.get("data"), now);
                case "ack" -> listener.onAck(conn, frame.get("id"), frame.path("status").asText());
                case "login_ok" -> loggedIn.complete(conn);
                default -> listener.onOther(conn, frame);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            loggedIn.completeExceptionally(new IOException("connection closed before login_ok"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            loggedIn.completeExceptionally(cause);
            ctx.close();
        }
    }
}
