package lockfree.common.testkit;

import lockfree.common.localredis.LocalRedisServer;
import org.junit.jupiter.api.Assumptions;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A throw-away {@code redis-server} on a loopback port for integration tests: the project's
 * {@link LocalRedisServer}, plus the test rule for a missing binary.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.startOrSkip()) {
 *     Gateway a = Gateway.start(stage, config.withRedis(redis.uri()));
 *     redis.kill();     // as if it crashed
 *     redis.start();    // same port, empty
 * }
 * }</pre>
 *
 * Without a {@code redis-server} on the PATH (or in {@code $REDIS_SERVER}) the calling test is
 * skipped with the reason, unless the environment variable {@code CI} is set: there a missing
 * Redis is a broken build, not a reason to skip.
 */
public final class RedisServer implements AutoCloseable {
    private final LocalRedisServer server;

    private RedisServer(LocalRedisServer server) {
        this.server = server;
    }

    /** Starts a server on a free port, or skips the test (fails it under CI) if there is no binary. */
    public static RedisServer startOrSkip() {
        RedisServer server = onFreePortOrSkip();
        server.start();
        return server;
    }

    /** A server that is not running yet, on a free port; {@link #start()} it when the test wants. */
    public static RedisServer onFreePortOrSkip() {
        return new RedisServer(new LocalRedisServer(binaryOrSkip(), LocalRedisServer.freePort()));
    }

    /** The redis-server binary; skips (or under CI fails) the calling test when there is none. */
    public static Path binaryOrSkip() {
        Optional<Path> found = LocalRedisServer.findBinary();
        if (found.isPresent()) {
            return found.get();
        }
        skipOrFail("REDIS TESTS NOT RUN: no redis-server on the PATH (or in $REDIS_SERVER). "
                + "Install it (apt-get install redis-server, brew install redis) to run the cluster tests.");
        throw new AssertionError("unreachable");
    }

    /** Skips the calling test, loudly, with {@code reason}; under CI fails it instead. */
    static void skipOrFail(String reason) {
        if (System.getenv("CI") != null) {
            throw new AssertionError(reason + " CI is set, so this fails instead of skipping.");
        }
        System.err.println("*** " + reason);
        Assumptions.abort(reason);
    }

    public int port() {
        return server.port();
    }

    /** {@code redis://127.0.0.1:<port>}, what {@code --redis} takes. */
    public URI uri() {
        return server.uri();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** Starts the server (empty: nothing survives a restart) and waits until it answers PING. */
    public void start() {
        server.start();
    }

    /** Kills the server the hard way (SIGKILL), as a crash would, and waits until it is gone. */
    public void kill() {
        server.kill();
    }

    /** Kill, then start again on the same port: every subscription and key is gone. */
    public void restart() {
        kill();
        start();
    }

    @Override
    public void close() {
        kill();
    }
}
