package lockfree.common.localredis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A throw-away Redis Cluster on loopback: three masters and three replicas of the local
 * {@code redis-server} on free ports, joined with {@code redis-cli --cluster create}, torn down
 * (processes killed, node files deleted) by {@link #close()}. The test kit's {@code RedisCluster}
 * wraps it for the cluster tests; learners start one with
 * <pre>
 * java -cp stress/target/stress.jar lockfree.common.localredis.LocalRedisCluster
 * </pre>
 * which prints the {@code --redis} value for the gateways and runs until Ctrl-C.
 *
 * <p>Settings chosen for a cluster that is meant to be killed: a node timeout of one second (a
 * dead master's replica takes over within a few seconds), and
 * {@code cluster-require-full-coverage no}, so the other shards keep serving while one is
 * failing over. {@code redis-cli} is {@code $REDIS_CLI} if set, else the one beside
 * {@code redis-server}, else the one on the PATH.
 */
public final class LocalRedisCluster implements AutoCloseable {
    private static final int MASTERS = 3;
    private static final int NODE_TIMEOUT_MILLIS = 1000;

    private final Path cli;
    private final Path dir;
    private final List<LocalRedisServer> nodes = new ArrayList<>();
    private final java.util.Set<Integer> usedPorts = new java.util.HashSet<>();
    private final Path serverBinary;
    private final int nodeTimeoutMillis;

    public LocalRedisCluster(Path serverBinary) {
        this(serverBinary, NODE_TIMEOUT_MILLIS);
    }

    /**
     * @param nodeTimeoutMillis how long a node may not answer before the others fail it over:
     *                          short for the fault tests, Redis's default for a long measured run
     */
    public LocalRedisCluster(Path serverBinary, int nodeTimeoutMillis) {
        this.cli = findCli(serverBinary).orElseThrow(() -> new IllegalStateException(
                "no redis-cli beside " + serverBinary + ", on the PATH or in $REDIS_CLI"));
        try {
            this.dir = Files.createTempDirectory("redis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.serverBinary = serverBinary;
        this.nodeTimeoutMillis = nodeTimeoutMillis;
        for (int i = 0; i < 2 * MASTERS; i++) {
            nodes.add(newNode());
        }
    }

    /*
     * A node on two ports no other node of this cluster has. A free port is only free when asked:
     * between the question and redis-server's bind, another process's outgoing connection may take
     * it (both come from the kernel's ephemeral range), so start() replaces a node that cannot bind.
     */
    private LocalRedisServer newNode() {
        int port = distinctFreePort();
        // The bus port is given, not left at port + 10000, which may be taken or past 65535.
        int busPort = distinctFreePort();
        return new LocalRedisServer(serverBinary, port, List.of(
                "--cluster-enabled", "yes",
                "--cluster-port", Integer.toString(busPort),
                "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                "--cluster-node-timeout", Integer.toString(nodeTimeoutMillis),
                "--cluster-require-full-coverage", "no",
                "--dir", dir.toString()));
    }

    private int distinctFreePort() {
        while (true) {
            int p = LocalRedisServer.freePort();
            if (usedPorts.add(p)) {
                return p;
            }
        }
    }

    /** {@code $REDIS_CLI}, or {@code redis-cli} beside the server binary, or on the PATH. */
    public static Optional<Path> findCli(Path serverBinary) {
        String explicit = System.getenv("REDIS_CLI");
        if (explicit != null && !explicit.isEmpty()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        Path beside = serverBinary.resolveSibling("redis-cli");
        if (Files.isExecutable(beside)) {
            return Optional.of(beside);
        }
        String path = System.getenv("PATH");
        return path == null ? Optional.empty() : Stream.of(path.split(java.io.File.pathSeparator))
                .map(d -> Path.of(d, "redis-cli")).filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts the six nodes, creates the cluster (the first three become masters) and waits until
     * every node says {@code cluster_state:ok} and every replica is in sync with its master.
     */
    public void start() {
        for (int i = 0; i < nodes.size(); i++) {
            for (int attempt = 1; ; attempt++) {
                try {
                    nodes.get(i).start();
                    break;
                } catch (IllegalStateException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                    nodes.get(i).kill();
                    nodes.set(i, newNode()); // its port was taken after we chose it: choose again
                }
            }
        }
        List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
        nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        redisCli(create);
        awaitHealthy(nodes, 30);
    }

    /** Runs {@code redis-cli --cluster <args...>} against this cluster (e.g. a reshard) and waits for it. */
    public String cli(String... args) {
        List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster"));
        command.addAll(List.of(args));
        return redisCli(command);
    }

    /** Waits (up to {@code seconds}) until every running node is {@code ok} and every replica synced. */
    public void awaitHealthy(int seconds) {
        awaitHealthy(nodes.stream().filter(LocalRedisServer::isRunning).toList(), seconds);
    }

    /** Whether every running node says {@code cluster_state:ok} and every running replica is synced, now. */
    public boolean isHealthy() {
        return waitingFor(nodes.stream().filter(LocalRedisServer::isRunning).toList()) == null;
    }

    private static void awaitHealthy(List<LocalRedisServer> running, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String waitingFor = waitingFor(running);
            if (waitingFor == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + seconds + " s for " + waitingFor);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** What is not healthy yet, or null. */
    private static String waitingFor(List<LocalRedisServer> running) {
        for (LocalRedisServer n : running) {
            String info = LocalRedisServer.inline(n.port(), "CLUSTER INFO");
            String replication = LocalRedisServer.inline(n.port(), "INFO replication");
            if (info == null || !info.contains("cluster_state:ok")) {
                return "node " + n.port() + " to say cluster_state:ok";
            }
            if (replication == null || (replication.contains("role:slave") && !replication.contains("master_link_status:up"))) {
                return "replica " + n.port() + " to sync with its master";
            }
        }
        return null;
    }

    private String redisCli(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    /** The six nodes, masters first as created (failovers change who is master since). */
    public List<LocalRedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * {@code redis-cluster://127.0.0.1:<p1>,127.0.0.1:<p2>,...}: what the gateway's {@code --redis}
     * takes for a cluster. Every node is a seed; any one that answers is enough.
     */
    public URI uri() {
        StringBuilder b = new StringBuilder("redis-cluster://");
        for (LocalRedisServer n : nodes) {
            b.append(b.length() > "redis-cluster://".length() ? "," : "").append("127.0.0.1:").append(n.port());
        }
        return URI.create(b.toString());
    }

    /** Kills every node and deletes their node files. */
    @Override
    public void close() {
        nodes.forEach(LocalRedisServer::kill);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is not worth failing a test for
        }
    }

    /** Starts a cluster, prints how to point gateways at it, and keeps it until Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        Path server = LocalRedisServer.findBinary().orElseThrow(() -> new IllegalStateException(
                "no redis-server on the PATH (or in $REDIS_SERVER): apt-get install redis-server"));
        LocalRedisCluster cluster = new LocalRedisCluster(server);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }));
        cluster.start();
        StringBuilder ports = new StringBuilder();
        cluster.nodes.forEach(n -> ports.append(' ').append(n.port()));
        System.out.println("Redis Cluster up: 3 masters + 3 replicas on 127.0.0.1, ports" + ports);
        System.out.println("Start gateways with:  --redis " + cluster.uri());
        System.out.println("Look at it with:      redis-cli -c -p " + cluster.nodes.get(0).port() + " CLUSTER NODES");
        System.out.println("Ctrl-C stops every node and deletes its files.");
        stopped.await();
    }
}
