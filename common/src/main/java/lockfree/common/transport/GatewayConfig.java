package lockfree.common.transport;

import lockfree.common.routing.LocalRouter;
import lockfree.common.routing.RedisLink;
import lockfree.common.routing.RedisRouter;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the gateway can be told, with the embedded defaults. Built by {@link GatewayMain}
 * from the command line, or directly by tests with {@link #defaults()} and the {@code with*}
 * methods.
 *
 * @param bind               address to listen on; without a secret it must be a loopback address
 * @param port               TCP port; 0 picks a free one (tests)
 * @param secret             HMAC secret for login tokens, or null for "any uid, loopback only"
 * @param apiKey             value required in {@code X-Api-Key} on POST /push, or null for none
 * @param maxConnections     connections above this are answered 503 and closed
 * @param queueCapacity      per-session send queue capacity (the plan's 1024)
 * @param idleTimeout        a connection that sends nothing (not even a pong) for this long is closed
 * @param handshakeTimeout   a connection must complete its WebSocket handshake this long after it opened,
 *                           whatever it sent before; a plain HTTP connection is closed then
 * @param maxFrameBytes      largest WebSocket message and /push body accepted
 * @param rateLimitPerSecond frames per second one connection may send (token bucket, burst equal)
 * @param slowConsumerTimeout a session whose queue stays full this long is closed
 * @param shutdownTimeout    how long SIGTERM waits for queues to flush and sessions to close
 * @param fdReserve          file descriptors kept free below the process limit: the gateway stops
 *                           accepting before it runs out (EMFILE makes the accept loop spin)
 * @param ioThreads          event loop threads; 0 = Netty's default (2 x cores)
 * @param redis              {@code redis://host:port}, or {@code redis-cluster://host:port[,host:port...]}, of the Redis that joins this node to a cluster
 *                           ({@link RedisRouter}), or null for one node on its own ({@link LocalRouter})
 * @param loginTimeout       a WebSocket that has not logged in this long after its handshake is closed
 * @param allowedOrigins     browser origins (scheme://host[:port], or {@code *}) allowed besides the
 *                           default ones; see {@link OriginPolicy}
 */
public record GatewayConfig(
        InetAddress bind,
        int port,
        String secret,
        String apiKey,
        int maxConnections,
        int queueCapacity,
        Duration idleTimeout,
        Duration handshakeTimeout,
        int maxFrameBytes,
        int rateLimitPerSecond,
        Duration slowConsumerTimeout,
        Duration shutdownTimeout,
        int fdReserve,
        int ioThreads,
        URI redis,
        Duration loginTimeout,
        List<String> allowedOrigins) {

    public static final int DEFAULT_PORT = 8080;

    public GatewayConfig {
        Objects.requireNonNull(bind, "bind");
        requireRange("port", port, 0, 65535);
        requireRange("max-connections", maxConnections, 1, Integer.MAX_VALUE);
        requireRange("queue-capacity", queueCapacity, 1, 1 << 20);
        requireRange("max-frame", maxFrameBytes, 128, 16 << 20);
        requireRange("rate-limit", rateLimitPerSecond, 1, Integer.MAX_VALUE);
        requireRange("fd-reserve", fdReserve, 16, 1 << 16);
        requireRange("io-threads", ioThreads, 0, 1024);
        requirePositive("idle-timeout", idleTimeout);
        requirePositive("handshake-timeout", handshakeTimeout);
        requirePositive("slow-consumer-timeout", slowConsumerTimeout);
        requirePositive("shutdown-timeout", shutdownTimeout);
        requirePositive("login-timeout", loginTimeout);
        allowedOrigins = List.copyOf(allowedOrigins == null ? List.of() : allowedOrigins);
        if (redis != null && !RedisLink.isValid(redis)) {
            throw new IllegalArgumentException("--redis must look like redis://host:port or"
                    + " redis-cluster://host:port[,host:port...], got " + redis);
        }
        if (secret != null && secret.isEmpty()) {
            secret = null;
        }
        if (apiKey != null && apiKey.isEmpty()) {
            apiKey = null;
        }
    }

    /** The embedded defaults: loopback:8080, no secret, the plan's 1024-slot queues. */
    public static GatewayConfig defaults() {
        return new GatewayConfig(InetAddress.getLoopbackAddress(), DEFAULT_PORT, null, null,
                10_000, 1024, Duration.ofSeconds(60), Duration.ofSeconds(10), 64 * 1024,
                1000, Duration.ofSeconds(5), Duration.ofSeconds(5), 64, 0, null, Duration.ofSeconds(10), List.of());
    }

    public GatewayConfig withBind(InetAddress v) { return new GatewayConfig(v, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withPort(int v) { return new GatewayConfig(bind, v, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withSecret(String v) { return new GatewayConfig(bind, port, v, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withApiKey(String v) { return new GatewayConfig(bind, port, secret, v, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withMaxConnections(int v) { return new GatewayConfig(bind, port, secret, apiKey, v, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withQueueCapacity(int v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, v, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withIdleTimeout(Duration v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, v, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withHandshakeTimeout(Duration v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, v, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withMaxFrameBytes(int v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, v, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withRateLimitPerSecond(int v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, v, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withSlowConsumerTimeout(Duration v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, v, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withShutdownTimeout(Duration v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, v, fdReserve, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withFdReserve(int v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, v, ioThreads, redis, loginTimeout, allowedOrigins); }
    public GatewayConfig withRedis(URI v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, v, loginTimeout, allowedOrigins); }
    public GatewayConfig withIoThreads(int v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, v, redis, loginTimeout, allowedOrigins); }

    public GatewayConfig withLoginTimeout(Duration v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, v, allowedOrigins); }
    public GatewayConfig withAllowedOrigins(List<String> v) { return new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout, handshakeTimeout, maxFrameBytes, rateLimitPerSecond, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis, loginTimeout, v); }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("--" + name + " must be a positive duration, got " + d);
        }
    }
}
