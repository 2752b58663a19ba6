package lockfree.stress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stress tool's {@code limit} target: the least work that delivers the scenarios' messages
 * correctly, on the same Netty transport as the gateways, so each stage's cost can be read against
 * it (docs/STRESS.md, "The limit"). It is not a stage and not a gateway. It speaks exactly what
 * the tool sends: {@code login} (any uid, no token), {@code send} (answered {@code ack} ok or
 * offline), {@code POST /push} with {@code "all":true}, {@code GET /health}, and a {@code /metrics}
 * with the one counter the tool reads. What it does not do, the gateways do: bounded send queues
 * and drops, backpressure, auth, limits against abuse, error frames, re-login kicks, routing
 * between nodes, metrics.
 *
 * <p>Where it saves work: every outgoing frame is built once with its WebSocket header
 * ({@link LimitFrames}) and written as is; a broadcast is one task per event loop, each writing
 * {@code retainedDuplicate()}s of the one buffer to the users of its own loop, kept in a list
 * only that loop touches; a JSON frame is read with the streaming parser, the {@code data} and
 * {@code id} values copied as bytes, never turned into objects.
 */
final class LimitServer implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] METRICS = ("# The limit server keeps no queue, so it never refuses a message.\n"
            + "gateway_pushes_dropped_total 0\n").getBytes(StandardCharsets.US_ASCII);

    /** A logged-in connection; {@code slot} is its place in its event loop's list. */
    private static final class User {
        final long uid;
        final Channel channel;
        int slot;

        User(long uid, Channel channel) {
            this.uid = uid;
            this.channel = channel;
        }
    }

    /* uid -> user, for unicast: read on any loop, written on the user's own. */
    private final ConcurrentHashMap<Long, User> byUid = new ConcurrentHashMap<>();
    /* Each event loop's own users, for broadcast. Added and removed on that loop (login and close
       run on the channel's loop) and walked by that loop's fan-out task: one thread, no lock. */
    private final FastThreadLocal<List<User>> loopUsers = new FastThreadLocal<>() {
        @Override
        protected List<User> initialValue() {
            return new ArrayList<>();
        }
    };
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel listener;

    private LimitServer(InetAddress bind, int port, int ioThreads) {
        // The same transport and thread counts as the gateways (Gateway: epoll if present, one
        // acceptor, Netty's default number of event loops unless told).
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        acceptor = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(ioThreads, io);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder().websocketPath("/ws")
                .withUTF8Validator(false).build();
        ServerBootstrap b = new ServerBootstrap().group(acceptor, workers).channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketServerProtocolHandler(ws), new HttpEndpoints(), new Frames());
                    }
                });
        try {
            listener = b.bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Listens on loopback; port 0 picks a free one. */
    static LimitServer start(int port, int ioThreads) {
        return new LimitServer(InetAddress.getLoopbackAddress(), port, ioThreads);
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Logged-in users. */
    int users() {
        return byUid.size();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ---- WebSocket: login and send ---------------------------------------------------------

    /** One per connection, on its event loop. */
    private final class Frames extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private User user;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws IOException {
            byte[] bytes = ByteBufUtil.getBytes(frame.content());
            Fields f = Fields.read(bytes);
            if ("send".equals(f.op) && user != null && f.to > 0 && f.dataStart >= 0) {
                User to = byUid.get(f.to);
                if (to != null) {
                    to.channel.writeAndFlush(LimitFrames.msg(ctx.alloc(), user.uid, bytes, f.dataStart, f.dataEnd),
                            to.channel.voidPromise());
                }
                if (f.idStart >= 0) {
                    // Flushed once per read burst (channelReadComplete), not per ack.
                    ctx.write(LimitFrames.ack(ctx.alloc(), bytes, f.idStart, f.idEnd, to != null), ctx.voidPromise());
                }
            } else if ("login".equals(f.op) && user == null && f.uid > 0) {
                user = new User(f.uid, ctx.channel());
                User before = byUid.put(f.uid, user);
                if (before != null) {
                    before.channel.close(); // one connection per user, as the gateways keep it
                }
                List<User> mine = loopUsers.get();
                user.slot = mine.size();
                mine.add(user);
                ctx.write(LimitFrames.loginOk(ctx.alloc(), f.uid), ctx.voidPromise());
            } else {
                // Outside the subset the tool speaks: not a gateway, so no error frames.
                ctx.close();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (user != null) {
                byUid.remove(user.uid, user); // a re-login elsewhere has replaced it: keep that one
                // Swap-remove from this loop's list: the last user takes the slot.
                List<User> mine = loopUsers.get();
                User last = mine.remove(mine.size() - 1);
                if (last != user) {
                    last.slot = user.slot;
                    mine.set(user.slot, last);
                }
                user = null;
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The fields of a client frame or push body the limit needs; values as byte offsets. */
    private static final class Fields {
        String op;
        long uid = -1;
        long to = -1;
        boolean all;
        int dataStart = -1;
        int dataEnd = -1;
        int idStart = -1;
        int idEnd = -1;

        static Fields read(byte[] json) throws IOException {
            Fields f = new Fields();
            try (JsonParser p = JSON.createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return f;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (name) {
                        case "op" -> f.op = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "uid" -> f.uid = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                        case "to" -> f.to = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                        case "all" -> f.all = value == JsonToken.VALUE_TRUE;
                        case "data" -> {
                            f.dataStart = (int) p.currentTokenLocation().getByteOffset();
                            f.dataEnd = end(p, value);
                        }
                        case "id" -> {
                            f.idStart = (int) p.currentTokenLocation().getByteOffset();
                            f.idEnd = end(p, value);
                        }
                        default -> p.skipChildren();
                    }
                }
            }
            return f;
        }

        /* The byte just past the value the parser is on: past its closing bracket or quote. */
        private static int end(JsonParser p, JsonToken value) throws IOException {
            if (value.isStructStart()) {
                p.skipChildren();
            } else {
                p.finishToken(); // a string is read lazily; this moves past its closing quote
            }
            return (int) p.currentLocation().getByteOffset();
        }
    }

    // ---- HTTP: health, metrics, push -------------------------------------------------------

    /**
     * Requests that are not the WebSocket upgrade (the protocol handler passes them on); one per
     * connection, on its event loop. HTTP/1.1 answers pipelined requests in the order they came,
     * but a push is answered late, by whichever event loop finishes it last: a request read while
     * a push is out waits here, so that its answer cannot overtake the push's.
     */
    private final class HttpEndpoints extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
        private boolean pushing;
        private boolean closing;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
            if (closing) {
                return;
            }
            if (pushing) {
                // Our own reference: SimpleChannelInboundHandler releases its one on return.
                waiting.add(req.retain());
            } else {
                serve(ctx, req);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            waiting.forEach(FullHttpRequest::release);
            waiting.clear();
            super.channelInactive(ctx);
        }

        private void serve(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            // A request that asks to close is the last this connection answers.
            closing = !keepAlive;
            String path = req.uri();
            if (req.method().equals(HttpMethod.GET) && path.equals("/health")) {
                respond(ctx, HttpResponseStatus.OK, "ok".getBytes(StandardCharsets.US_ASCII), keepAlive);
            } else if (req.method().equals(HttpMethod.GET) && path.equals("/metrics")) {
                respond(ctx, HttpResponseStatus.OK, METRICS, keepAlive);
            } else if (req.method().equals(HttpMethod.POST) && path.equals("/push")) {
                byte[] body = ByteBufUtil.getBytes(req.content());
                Fields f = Fields.read(body);
                if (!f.all || f.dataStart < 0) {
                    respond(ctx, HttpResponseStatus.BAD_REQUEST,
                            "the limit server pushes only {\"all\":true,\"data\":...}".getBytes(StandardCharsets.UTF_8), keepAlive);
                    return;
                }
                pushing = true;
                // from 0: from the backend, as the gateways write it. The answer is known in
                // another loop's task, so it hops back here before touching anything: `pushing`,
                // `closing` and `waiting` are read and written only on this connection's loop,
                // which is why they need no lock. The hop through the loop's task queue also
                // orders the last broadcast task's count before the answer that prints it.
                broadcast(LimitFrames.msg(ctx.alloc(), 0, body, f.dataStart, f.dataEnd),
                        accepted -> ctx.executor().execute(() -> {
                            respond(ctx, HttpResponseStatus.ACCEPTED,
                                    ("{\"accepted\":" + accepted + '}').getBytes(StandardCharsets.US_ASCII), keepAlive);
                            pushing = false;
                            serveWaiting(ctx);
                        }));
            } else {
                respond(ctx, HttpResponseStatus.NOT_FOUND, new byte[0], keepAlive);
            }
        }

        private void serveWaiting(ChannelHandlerContext ctx) {
            while (!pushing && !waiting.isEmpty()) {
                FullHttpRequest next = waiting.poll();
                try {
                    if (!closing) {
                        serve(ctx, next);
                    }
                } catch (IOException e) {
                    ctx.fireExceptionCaught(e);
                } finally {
                    next.release();
                }
            }
        }
    }

    /**
     * One task per event loop, each writing the one frame to its own loop's users; the last task to
     * finish answers with how many users it went to. The frame is released by whichever task ends
     * last, after every write took its own reference.
     */
    private void broadcast(ByteBuf frame, java.util.function.IntConsumer answer) {
        List<EventExecutor> loops = new ArrayList<>();
        workers.forEach(loops::add);
        AtomicInteger pending = new AtomicInteger(loops.size());
        AtomicInteger accepted = new AtomicInteger();
        for (EventExecutor loop : loops) {
            loop.execute(() -> {
                List<User> mine = loopUsers.get();
                // A write that fails closes its channel, but Netty fires channelInactive (which
                // removes the user from this list) as a later task on this loop, never inside the
                // write: the list does not change under this walk. (If it did, the iterator would
                // throw rather than skip a user.)
                for (User u : mine) {
                    u.channel.writeAndFlush(frame.retainedDuplicate(), u.channel.voidPromise());
                }
                accepted.addAndGet(mine.size());
                // Each task adds its count before it counts down, and both are volatile
                // read-modify-writes: the task whose decrement reaches 0 comes after every other
                // decrement in `pending`'s order, so it reads every add, and it releases the frame
                // only after every other task has taken its duplicates.
                if (pending.decrementAndGet() == 0) {
                    frame.release();
                    answer.accept(accepted.get());
                }
            });
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        HttpUtil.setKeepAlive(res, keepAlive);
        var written = ctx.writeAndFlush(res);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    // ---- its own JVM -----------------------------------------------------------------------

    /** {@code java -cp stress.jar lockfree.stress.LimitServer --port P}: what the coordinator runs. */
    @Command(name = "limit-server", mixinStandardHelpOptions = true,
            description = "The stress tool's limit target (docs/STRESS.md): listens on loopback until killed.")
    static final class Main implements Callable<Integer> {
        @Option(names = "--port", required = true, description = "TCP port on loopback")
        int port;

        @Option(names = "--io-threads", defaultValue = "0", description = "Event loops; 0 = Netty's default, as the gateways")
        int ioThreads;

        @Override
        public Integer call() {
            LimitServer server = start(port, ioThreads);
            // SIGTERM (the coordinator's close) runs this, then the JVM exits.
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "limit-shutdown"));
            System.out.println("limit server listening on 127.0.0.1:" + server.port());
            server.listener.closeFuture().syncUninterruptibly();
            return 0;
        }
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
