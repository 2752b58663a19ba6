package lockfree.common.transport;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SessionManager;
import lockfree.common.contract.Stage;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.Protocol;
import lockfree.common.protocol.Tokens;
import lockfree.common.routing.LocalDelivery;
import lockfree.common.routing.LocalRouter;
import lockfree.common.routing.RedisRouter;
import lockfree.common.routing.Router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The gateway every stage runs: one port, WebSocket on {@code /ws}, the HTTP API beside it.
 *
 * <pre>
 * listening socket: AcceptGuard (connection and file-descriptor limits)
 * per connection:   the pipeline {@link GatewayInitializer} builds
 * </pre>
 * The limits these handlers enforce are listed in docs/PROTOCOL.md, "Limits and abuse".
 *
 * A stage supplies only its {@link SessionManager} and {@link SendQueue} through {@link Stage}.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Stage stage;
    private final GatewayConfig config;
    private final SessionManager sessions;
    private final GatewayMetrics metrics;
    private final Router router;
    private final Tokens tokens;
    private final Connections connections;
    private final AcceptGuard acceptGuard;
    private final ChannelGroup channels = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final boolean epoll;
    private final Channel listener;
    private volatile boolean stopped;

    /**
     * @param pipeline each connection's handlers, in order: {@link GatewayInitializer#PIPELINE}
     */
    Gateway(Stage stage, GatewayConfig config, Function<LocalDelivery, Router> routerFactory,
            List<GatewayInitializer.Step> pipeline) {
        if (config.secret() == null && !config.bind().isLoopbackAddress()) {
            throw new IllegalArgumentException("without --secret the gateway accepts any uid, so it only binds to "
                    + "loopback; set --secret (or GATEWAY_SECRET) to listen on " + config.bind().getHostAddress());
        }
        this.stage = stage;
        this.config = config;
        this.sessions = stage.sessions().get();
        this.metrics = new GatewayMetrics(stage.name());
        this.connections = new Connections(metrics);
        this.router = routerFactory.apply(new LocalDelivery(sessions, metrics, new ChannelSessionControl(connections),
                config.slowConsumerTimeout()));
        this.tokens = config.secret() == null ? null : new Tokens(config.secret());
        this.acceptGuard = new AcceptGuard(config.maxConnections(), config.fdReserve(), metrics);
        metrics.gauge("gateway_connections", "Open TCP connections (WebSocket and HTTP)", acceptGuard::open);
        metrics.gauge("gateway_sessions", "WebSocket sessions (handshake done)", sessions::size);
        metrics.gauge("gateway_users", "Logged-in users", sessions::userCount);
        metrics.gauge("gateway_router_up", "1 while the router reaches its peers", () -> router.isUp() ? 1 : 0);

        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.acceptor = new MultiThreadIoEventLoopGroup(1, io);
        this.workers = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);

        HttpApiHandler api = new HttpApiHandler(config, stage, metrics, router, epoll, this::healthJson);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .handler(acceptGuard)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Backpressure: above the high-water mark of unwritten output the channel reports
                // unwritable, the drains stop and OutboundBudget stops reading the client; the
                // per-session queue then absorbs, and finally drops.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(OutboundBudget.LOW_WATER, OutboundBudget.HIGH_WATER))
                .childHandler(new GatewayInitializer(channels, GatewayInitializer.Parts.of(config, metrics, connections,
                        api, stage.queues(), sessions, router, tokens), pipeline));
        try {
            this.listener = bootstrap.bind(new InetSocketAddress(config.bind(), config.port())).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's checked exception (a port in use) unchanged
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            router.close();
            throw e;
        }
        log.info("{} listening on {} ({} transport, {} router)", stage.name(), listener.localAddress(),
                epoll ? "epoll" : "NIO", router.kind());
    }

    /**
     * Starts a gateway with the embedded {@link LocalRouter}, or with the {@link RedisRouter} when
     * the config names a Redis. Returns once it is listening (not waiting for Redis).
     */
    public static Gateway start(Stage stage, GatewayConfig config) {
        return new Gateway(stage, config, config.redis() == null
                ? LocalRouter::new
                : local -> new RedisRouter(config.redis(), local, RedisRouter.Options.defaults()),
                GatewayInitializer.PIPELINE);
    }

    /** Starts a gateway whose router the caller builds around this node's local delivery. */
    public static Gateway start(Stage stage, GatewayConfig config, Function<LocalDelivery, Router> routerFactory) {
        return new Gateway(stage, config, routerFactory, GatewayInitializer.PIPELINE);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    public Stage stage() {
        return stage;
    }

    public GatewayConfig config() {
        return config;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public SessionManager sessions() {
        return sessions;
    }

    public Router router() {
        return router;
    }

    public boolean epoll() {
        return epoll;
    }

    String healthJson() {
        return Protocol.object(g -> {
            g.writeStringField("status", stopped ? "stopping" : router.isUp() ? "ok" : "degraded");
            g.writeStringField("stage", stage.name());
            g.writeNumberField("connections", acceptGuard.open());
            g.writeNumberField("sessions", sessions.size());
            g.writeNumberField("users", sessions.userCount());
            g.writeBooleanField("accepting", !acceptGuard.paused());
            g.writeObjectFieldStart("router");
            g.writeStringField("kind", router.kind());
            g.writeStringField("state", router.isUp() ? "up" : "down");
            g.writeEndObject();
        });
    }

    /** Blocks until {@link #stop()} has closed the listening socket. */
    public void awaitStop() throws InterruptedException {
        listener.closeFuture().await();
    }

    /**
     * Graceful shutdown: stop accepting, let every session's drain write what is queued, close
     * every session with 1001, then stop the event loops. Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        listener.close().syncUninterruptibly();
        for (Channel ch : channels) {
            connections.shutdown(ch);
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            channels.newCloseFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
        }
        channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        router.close();
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        log.info("{} stopped", stage.name());
    }

    @Override
    public void close() {
        stop();
    }
}
