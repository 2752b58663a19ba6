package lockfree.common.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A throw-away {@code redis-server} on a loopback port, for integration tests: no persistence, no
 * config file, killed when the test is done.
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
    private final Path binary;
    private final int port;
    private Process process;

    private RedisServer(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** Starts a server on a free port, or skips the test (fails it under CI) if there is no binary. */
    public static RedisServer startOrSkip() {
        RedisServer server = onFreePortOrSkip();
        server.start();
        return server;
    }

    /** A server that is not running yet, on a free port; {@link #start()} it when the test wants. */
    public static RedisServer onFreePortOrSkip() {
        return new RedisServer(binaryOrSkip(), freePort());
    }

    /** The redis-server binary; skips (or under CI fails) the calling test when there is none. */
    public static Path binaryOrSkip() {
        Optional<Path> found = find();
        if (found.isPresent()) {
            return found.get();
        }
        String reason = "REDIS TESTS NOT RUN: no redis-server on the PATH (or in $REDIS_SERVER). "
                + "Install it (apt-get install redis-server, brew install redis) to run the cluster tests.";
        if (System.getenv("CI") != null) {
            throw new AssertionError(reason + " CI is set, so this fails instead of skipping.");
        }
        System.err.println("*** " + reason);
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }

    private static Optional<Path> find() {
        String explicit = System.getenv("REDIS_SERVER");
        if (explicit != null && !explicit.isEmpty()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A loopback port nobody listens on right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, what {@code --redis} takes. */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server (empty: nothing survives a restart) and waits until it answers PING. */
    public void start() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is already running");
        }
        ProcessBuilder pb = new ProcessBuilder(List.of(binary.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--loglevel", "warning"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + binary, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ping()) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue() + " on port " + port);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("redis-server on port " + port + " did not answer PING within 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Kills the server the hard way (SIGKILL), as a crash would, and waits until it is gone. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("redis-server on port " + port + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping redis-server", e);
        }
        process = null;
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

    /** One raw RESP round trip: true if the server answers PING with +PONG. */
    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }
}
