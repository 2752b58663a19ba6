package lockfree.common.localredis;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A throw-away {@code redis-server} on a loopback port: no persistence, no config file, killed
 * when its owner is done. The stress tool's scale-out run starts one to join its gateway JVMs, and
 * the test kit's {@code RedisServer} wraps it for the cluster tests.
 *
 * <p>The binary is {@code $REDIS_SERVER} if set, else {@code redis-server} on the {@code PATH}.
 */
public final class LocalRedisServer implements AutoCloseable {
    private final Path binary;
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    public LocalRedisServer(Path binary, int port) {
        this(binary, port, List.of());
    }

    /** @param extraArgs further {@code redis-server} arguments, e.g. a cluster node's */
    public LocalRedisServer(Path binary, int port, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** {@code $REDIS_SERVER}, or the first executable {@code redis-server} on the PATH. */
    public static Optional<Path> findBinary() {
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

    /** {@code redis://127.0.0.1:<port>}, what the gateway's {@code --redis} takes. */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server's process id, for reading its memory; -1 when it is not running. */
    public long pid() {
        return isRunning() ? process.pid() : -1;
    }

    /**
     * Starts the server (empty: nothing survives a restart) and waits until it answers PING.
     *
     * @throws IllegalStateException if it is already running, exits, or does not answer in 10 s
     */
    public void start() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is already running");
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--loglevel", "warning"));
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
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
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + " on port " + port);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server on port " + port + " did not answer PING within 10 s");
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
                throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping redis-server", e);
        }
        process = null;
    }

    @Override
    public void close() {
        kill();
    }

    private boolean ping() {
        return "+PONG".equals(inline(port, "PING"));
    }

    /**
     * One raw round trip of an inline command (e.g. {@code CLUSTER INFO}), so waiting for a server
     * needs no client library started yet. Returns the reply's text (a bulk reply's payload, or a
     * status line with its {@code +}/{@code -}), or null if the server is not answering.
     */
    static String inline(int port, String command) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String first = line(in);
            if (first.startsWith("$")) {
                int n = Integer.parseInt(first.substring(1));
                return n < 0 ? null : new String(in.readNBytes(n), StandardCharsets.UTF_8);
            }
            return first;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("closed mid-reply");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
