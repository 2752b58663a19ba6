package lockfree.stress;

import lockfree.common.localredis.LocalRedisCluster;
import lockfree.common.localredis.LocalRedisServer;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Runs the stress test against each selected target (a stage, or the limit server) in turn, and
 * with {@code --repeat N} the whole list N times, interleaved (0,1,2,3,limit,0,1,...), so that a
 * drift of the machine over the run touches every target alike. For each: start its gateway JVM(s) (and, to join
 * them, a Redis), start the client JVM(s), let them connect, measure the gateways, run the rounds,
 * collect the results, stop everything. Every stage gets the same flags and the same load; nothing
 * of one stage's run is alive while the next one runs.
 *
 * <p>The coordinator talks to each client JVM over its stdin and stdout, one line each way
 * ({@link StressMain.WorkerCommand}). It, not the clients, decides when a round is over: with a
 * router, a message sent by one client JVM is received by another, so only the sum over all of
 * them says whether every message has arrived.
 */
final class Coordinator {
    /** How often a settling round's counts are read from every client (and, with a router, gateway). */
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a settled round is still listened to for late or duplicate deliveries. */
    private static final Duration LINGER = Duration.ofSeconds(1);
    /** How often the warm-up reads the targets' /metrics: a scrape interval at the short end of usual. */
    private static final Duration SCRAPE_EVERY = Duration.ofSeconds(1);

    private final StressSettings settings;
    private final PrintStream out;
    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    private final boolean linux = Files.isDirectory(Path.of("/proc/self"));
    private final List<Process> children = new ArrayList<>();
    private final List<LocalRedisServer> redisServers = new ArrayList<>();
    private final List<LocalRedisCluster> redisClusters = new ArrayList<>();
    /** {@code --profile}: async-profiler in every target JVM over the measured send phase; null without. */
    private ProfileSession profile;

    Coordinator(StressSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        // Ctrl-C on the coordinator must not leave gateways, clients or a Redis behind.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (children) {
                children.forEach(Process::destroyForcibly);
                redisServers.forEach(LocalRedisServer::kill);
                redisClusters.forEach(LocalRedisCluster::close);
            }
        }, "stress-cleanup"));
    }

    /** Profiles each target's measured send phase ({@link ProfileSession}) into {@code dir}. */
    Coordinator profiling(Path dir, String command) throws IOException {
        profile = dir == null ? null : ProfileSession.open(dir, settings.root(), jcmd, command);
        return this;
    }

    /** One list of results per repeat, each in the targets' order. */
    List<List<StageResult>> runAll() throws IOException, InterruptedException {
        List<List<StageResult>> repeats = new ArrayList<>();
        for (int r = 0; r < settings.repeats(); r++) {
            if (settings.repeats() > 1) {
                out.printf("%n=== repeat %d of %d%n", r + 1, settings.repeats());
            }
            List<StageResult> results = new ArrayList<>();
            for (int i = 0; i < settings.targets().size(); i++) {
                results.add(runStage(i, launch(settings.targets().get(i))));
            }
            repeats.add(results);
        }
        return repeats;
    }

    /**
     * How a target's process is started: its name, its flags and, for a JVM ({@code jvm}), what
     * follows {@code java <jvm options>}; otherwise the whole command (the ws peer's node).
     */
    record Launch(String name, List<String> program, boolean gatewayFlags, boolean jvm) {
        Launch(String name, List<String> program, boolean gatewayFlags) {
            this(name, program, gatewayFlags, true);
        }
    }

    Launch launch(Target target) throws IOException {
        if (target instanceof Target.Stage s) {
            Path jar = stageJar(settings.root(), s.number());
            return new Launch(jar.getFileName().toString().replace("-gateway.jar", ""), List.of("-jar", jar.toString()), true);
        }
        if (target instanceof Target.Peer p) {
            // A peer has none of the gateway's limits to open up, so no gateway flags; the Vert.x
            // peer gets the same JVM options as every gateway (--gateway-jvm).
            return p == Target.Peer.VERTX
                    ? new Launch(p.label(), List.of("-jar", vertxJar(settings.root()).toString()), false)
                    : new Launch(p.label(), nodeCommand(settings.root()), false, false);
        }
        // From the tool's own class path, as the client JVMs are; no gateway flags: it has none of
        // the limits they open up.
        return new Launch(Target.LIMIT_NAME,
                List.of("-cp", System.getProperty("java.class.path"), LimitServer.class.getName()), false);
    }

    /** The Vert.x peer's runnable jar, built by the stress-peer-vertx module. */
    static Path vertxJar(Path root) throws IOException {
        Path jar = root.resolve("stress-peer-vertx").resolve("target").resolve("stress-peer-vertx.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no " + jar + "; build it first: ./mvnw -q package -DskipTests -pl stress-peer-vertx");
        }
        return jar;
    }

    /**
     * {@code node --expose-gc stress/peers/ws/server.js}: --expose-gc only lets the peer's
     * {@code GET /heap} run a full collection before it reads the heap, as jcmd does for a JVM;
     * nothing calls gc() while the scenario runs. Refused with what to do if node or the
     * installed ws package is missing.
     */
    static List<String> nodeCommand(Path root) throws IOException {
        Path dir = root.resolve("stress").resolve("peers").resolve("ws");
        String node = System.getenv().getOrDefault("NODE", "node");
        try {
            Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(node + " --version failed");
            }
        } catch (IOException e) {
            throw new IOException("the ws peer needs Node.js (" + node + " is not there: " + e.getMessage()
                    + "); ./stress.sh installs Debian's nodejs and npm with apt-get", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking for node", e);
        }
        if (!Files.isRegularFile(dir.resolve("node_modules").resolve("ws").resolve("package.json"))) {
            throw new IOException("the ws peer's package is not installed: (cd " + dir + " && npm ci); ./stress.sh does it");
        }
        return List.of(node, "--expose-gc", dir.resolve("server.js").toString());
    }

    /** {@code stageN-<name>/target/stageN-<name>-gateway.jar} under the project root. */
    static Path stageJar(Path root, int stage) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "stage" + stage + "-*")) {
            for (Path dir : dirs) {
                Path jar = dir.resolve("target").resolve(dir.getFileName() + "-gateway.jar");
                if (Files.isRegularFile(jar)) {
                    return jar;
                }
            }
        }
        throw new IOException("no stage" + stage + "-*/target/stage" + stage + "-*-gateway.jar under " + root.toAbsolutePath()
                + "; build the jars first: ./mvnw -q package -DskipTests");
    }

    /** A fresh redis-server for one stage's run, so no stage inherits another's subscriptions. */
    private LocalRedisServer startRedis() throws IOException {
        Path binary = LocalRedisServer.findBinary().orElseThrow(() -> new IOException(
                "REDIS=auto needs redis-server on the PATH (apt-get install redis-server, brew install redis) "
                        + "or in $REDIS_SERVER; or pass REDIS=redis://host:port"));
        LocalRedisServer redis = new LocalRedisServer(binary, LocalRedisServer.freePort());
        synchronized (children) {
            redisServers.add(redis);
        }
        redis.start();
        return redis;
    }

    /** A fresh local Redis Cluster (REDIS=cluster) for one stage's run. */
    private LocalRedisCluster startCluster() throws IOException {
        LocalRedisCluster cluster = ClusterRun.start();
        synchronized (children) {
            redisClusters.add(cluster);
        }
        return cluster;
    }

    private StageResult runStage(int ordinal, Launch target) throws IOException, InterruptedException {
        String name = target.name();
        String load = loadAverage();
        int shards = settings.shards();
        out.printf("%n== %s: %d gateway JVM(s), %d client JVM(s)%s, load average before: %s%n", name, shards, shards,
                settings.cluster() ? " joined by Redis" : "", load);
        Path logs = settings.root().resolve("target").resolve("stress");
        List<GatewayProcess> gateways = new ArrayList<>();
        List<Worker> workers = new ArrayList<>();
        LocalRedisServer ownRedis = null;
        LocalRedisCluster ownCluster = null;
        try {
            URI redis = null;
            if (settings.cluster()) {
                ownRedis = StressSettings.AUTO_REDIS.equals(settings.redis()) ? startRedis() : null;
                ownCluster = StressSettings.CLUSTER_REDIS.equals(settings.redis()) ? startCluster() : null;
                redis = ownRedis != null ? ownRedis.uri() : ownCluster != null ? ownCluster.uri() : URI.create(settings.redis());
                out.printf("   router: %s%n", redis);
            }
            for (int k = 0; k < shards; k++) {
                List<String> args = new ArrayList<>(target.gatewayFlags() ? settings.gatewayArgsOf(k) : List.of());
                if (redis != null) {
                    args.add("--redis");
                    args.add(redis.toString());
                }
                Path log = logs.resolve(name + "-gateway-" + k + ".log");
                GatewayProcess g = target.jvm()
                        ? GatewayProcess.start(java, target.program(), settings.basePort() + k,
                                profile == null ? settings.gatewayJvm() : profile.jvmOptions(settings.gatewayJvm()), args, log)
                        : GatewayProcess.start(target.program(), settings.basePort() + k, args, log,
                                GatewayProcess.Heap.NODE_ENDPOINT);
                gateways.add(g);
                synchronized (children) {
                    children.add(g.process());
                }
            }
            for (GatewayProcess g : gateways) {
                g.awaitHealthy(Duration.ofSeconds(60));
            }
            long heap0 = sum(gateways, g -> g.liveHeapBytes(jcmd));
            long rss0 = sum(gateways, GatewayProcess::rssBytes);
            long redis0 = redis == null ? -1 : RedisMemory.usedBytes(redis);

            for (int k = 0; k < shards; k++) {
                workers.add(startWorker(settings.workerSpec(ordinal, k, linux), logs.resolve(name + "-client-" + k + ".log")));
            }
            int[] connectedBy = new int[shards];
            int connected = 0;
            for (int k = 0; k < shards; k++) {
                connectedBy[k] = Integer.parseInt(workers.get(k).expect("CONNECTED").trim());
                connected += connectedBy[k];
            }
            out.printf("   %d of %d users logged in%n", connected, settings.users());
            if (redis != null) {
                awaitSubscriptions(gateways, connected);
            }
            long heap1 = sum(gateways, g -> g.liveHeapBytes(jcmd));
            long rss1 = sum(gateways, GatewayProcess::rssBytes);
            long redis1 = redis == null ? -1 : RedisMemory.usedBytes(redis);
            // Who a push is meant for: with a router, everyone; on its own, the gateway's own users.
            long everyone = connected;
            IntFunction<Long> audience = k -> settings.cluster() ? everyone : connectedBy[k];

            boolean sends = settings.scenario() != Scenario.IDLE;
            if (settings.warmup() > 0 && sends) {
                out.printf("   warming up: %d %s%n", settings.warmup(),
                        settings.scenario() == Scenario.BROADCAST ? "pushes" : "messages per user");
                GatewayCounters before = GatewayCounters.read(gateways, settings.cluster());
                try (Scraper scraper = Scraper.start(gateways)) {
                    round(workers, k -> "WARMUP " + settings.warmup() + ' ' + audience.apply(k));
                    awaitSettled(workers, gateways, before);
                }
                // Every client forgets the warm-up before any starts the measured round: with a
                // router, a client that reset late would book another's first measured
                // deliveries in the tally it is about to throw away.
                workers.forEach(w -> w.say("RESET"));
                for (Worker w : workers) {
                    w.expect("RESET");
                }
            }
            GatewayCounters before = GatewayCounters.read(gateways, settings.cluster());
            if (profile != null) {
                profile.start(gateways); // before the CPU reading: the profile covers what it measures
            }
            long cpu0 = sum(gateways, GatewayProcess::cpuNanos);
            List<ShardUsage.Sample> masters0 = redis == null ? List.of() : ShardUsage.sample(redis);
            long clientCpu0 = clientCpu(workers);
            round(workers, k -> "GO " + audience.apply(k));
            if (sends) {
                awaitSettled(workers, gateways, before);
            }
            long cpu1 = sum(gateways, GatewayProcess::cpuNanos);
            if (profile != null) {
                profile.stop(name, gateways);
            }
            List<ShardUsage> masters = redis == null ? null : ShardUsage.between(masters0, ShardUsage.sample(redis));
            long clientCpu1 = clientCpu(workers);
            GatewayCounters after = GatewayCounters.read(gateways, settings.cluster());
            List<WorkerResult> results = new ArrayList<>();
            for (Worker w : workers) {
                w.say("RESULT");
                results.add(LoadClient.JSON.readValue(w.expect("RESULT"), WorkerResult.class));
            }
            workers.forEach(w -> w.say("CLOSE"));
            out.printf("   client JVM CPU during the send phase: %.1f s%n", (clientCpu1 - clientCpu0) / 1e9);
            StageResult result = merge(name, load, settings.cluster(), results, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0,
                    GatewayCounters.delta(before, after), perConnection(heap0, heap1, connected),
                    perConnection(rss0, rss1, connected), perConnection(redis0, redis1, connected)).withRedisShards(masters);
            if (profile != null) {
                out.printf("   profile: %s%n", profile.report(name, settings, result, gateways));
            }
            return result;
        } finally {
            for (Worker w : workers) {
                w.stop();
            }
            for (GatewayProcess g : gateways) {
                g.close();
            }
            if (ownRedis != null) {
                ownRedis.close();
            }
            if (ownCluster != null) {
                ownCluster.close();
            }
        }
    }

    /** Says the round's word to every client JVM, then waits until each has sent its share. */
    private static void round(List<Worker> workers, IntFunction<String> word) throws IOException {
        for (int k = 0; k < workers.size(); k++) {
            workers.get(k).say(word.apply(k));
        }
        for (Worker w : workers) {
            w.expect("SENT");
        }
    }

    /*
     * A gateway subscribes a user's channel after the login is answered (batched, on the router's
     * own thread), so a message sent to a user of another gateway right after everyone logged in
     * could find no subscriber yet. Wait until the gateways say Redis has confirmed every user's
     * channel: the gauge counts confirmations, because a SUBSCRIBE that is only written can still
     * lose the race with another node's PUBLISH.
     */
    private void awaitSubscriptions(List<GatewayProcess> gateways, long users) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        long subscribed = 0;
        while (System.nanoTime() < deadline) {
            subscribed = 0;
            for (GatewayProcess g : gateways) {
                subscribed += (long) GatewayProcess.metricSum(g.metrics(), "gateway_router_subscriptions");
            }
            if (subscribed >= users) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        out.printf("   ! only %d of %d users subscribed in Redis when the connect limit ran out%n", subscribed, users);
    }

    /**
     * Polls every client JVM's counts (and, with a router, the gateways' drop counters) until the
     * round has settled or {@code --settle} runs out. What has not arrived by then is reported as
     * lost.
     */
    private void awaitSettled(List<Worker> workers, List<GatewayProcess> gateways, GatewayCounters before)
            throws IOException, InterruptedException {
        Counts[] last = {Counts.ZERO};
        boolean settled = awaitSettled(() -> {
            Counts sum = Counts.ZERO;
            for (Worker w : workers) {
                w.say("COUNTS");
                sum = sum.plus(LoadClient.JSON.readValue(w.expect("COUNTS"), Counts.class));
            }
            last[0] = settings.cluster()
                    ? sum.accountedBy(GatewayCounters.delta(before, GatewayCounters.read(gateways, true))) : sum;
            return last[0];
        }, settings.settle());
        if (!settled) {
            out.printf("   ! not settled within --settle %s: %s%n", settings.settle(), last[0]);
        } else {
            // Settled means the buckets add up, not that nothing else is coming: a message booked
            // as refused that arrives anyway, or a duplicate, lands after. Give those a moment to
            // show up as extra deliveries instead of vanishing from the report.
            TimeUnit.MILLISECONDS.sleep(LINGER.toMillis());
        }
    }

    /** Reads the counts until they say settled or the time is up; true if they settled. */
    static boolean awaitSettled(CountsSource counts, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!counts.read().settled()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        return true;
    }

    /**
     * Reads every target's {@code /metrics} once a {@link #SCRAPE_EVERY} while the warm-up runs, as
     * a Prometheus server would scrape a gateway in service. Why in the warm-up: a gateway's first
     * reads of its latency summary swap the histograms its event loops record into, and the code
     * the JIT compiled for recording meets a histogram it has not seen, is thrown away and compiled
     * again. That happens once in a gateway's life; without scrapes here it would happen at the
     * read just before the measured round, and be measured as if every delivery paid for it. No
     * scrapes in the measured round itself: the reads before and after it are its only ones.
     */
    private static final class Scraper implements AutoCloseable {
        private final Thread thread;

        private Scraper(Thread thread) {
            this.thread = thread;
        }

        static Scraper start(List<GatewayProcess> gateways) {
            Thread t = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        TimeUnit.MILLISECONDS.sleep(SCRAPE_EVERY.toMillis());
                        for (GatewayProcess g : gateways) {
                            try {
                                g.metrics();
                            } catch (IOException e) {
                                // A missed scrape changes nothing measured; the reads that count
                                // (before and after a round) report their own failures.
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    // closed: the warm-up is over
                }
            }, "warm-up-scraper");
            t.setDaemon(true);
            t.start();
            return new Scraper(t);
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
        }
    }

    /** Where a settling round's counts come from. */
    @FunctionalInterface
    interface CountsSource {
        Counts read() throws IOException, InterruptedException;
    }

    /** The client JVMs' CPU, read the same way as the gateways': is the load generator the bottleneck? */
    private static long clientCpu(List<Worker> workers) {
        long total = 0;
        for (Worker w : workers) {
            try {
                total += GatewayProcess.cpuNanos(Files.readString(Path.of("/proc", Long.toString(w.process.pid()), "stat")));
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return total;
    }

    private static long perConnection(long before, long after, int connections) {
        return before < 0 || after < 0 || connections == 0 ? -1 : (after - before) / connections;
    }

    private static long sum(List<GatewayProcess> gateways, Function<GatewayProcess, OptionalLong> f) {
        long total = 0;
        for (GatewayProcess g : gateways) {
            OptionalLong v = f.apply(g);
            if (v.isEmpty()) {
                return -1;
            }
            total += v.getAsLong();
        }
        return total;
    }

    /**
     * One stage's numbers from its client JVMs' results and the gateways' counters. With a router
     * ({@code cluster}), refusals are the gateways' count (see {@link Counts#accountedBy}); on
     * their own, the clients' (what the acks and push answers said), with the gateways' as a check.
     */
    static StageResult merge(String name, String load, boolean cluster, List<WorkerResult> results, long cpuNanos,
                             GatewayCounters gateways, long heapPerConn, long rssPerConn, long redisPerConn) {
        Histogram latency = null;
        Histogram connect = null;
        Counts counts = Counts.ZERO;
        int connected = 0;
        int failures = 0;
        long unexpected = 0;
        double connectSeconds = 0;
        double sendSeconds = 0;
        double throughput = 0;
        boolean stoppedEarly = false;
        String note = null;
        for (WorkerResult r : results) {
            Histogram l = Latency.decode(r.latencyHistogram());
            Histogram c = Latency.decode(r.connectHistogram());
            if (latency == null) {
                latency = l;
                connect = c;
            } else {
                latency.add(l);
                connect.add(c);
            }
            counts = counts.plus(r.counts());
            connected += r.connected();
            failures += r.connectFailures();
            unexpected += r.unexpectedFrames();
            connectSeconds = Math.max(connectSeconds, r.connectSeconds());
            sendSeconds = Math.max(sendSeconds, r.sendSeconds());
            // The shards run side by side, so their rates add up.
            throughput += r.activeSeconds() > 0 ? r.counts().delivered() / r.activeSeconds() : 0;
            stoppedEarly |= r.stoppedEarly();
            note = note != null ? note : r.firstFailure();
        }
        long droppedByAnswers = counts.dropped();
        if (cluster) {
            counts = counts.accountedBy(gateways);
        }
        long delivered = counts.delivered();
        double cpuSeconds = cpuNanos < 0 ? -1 : cpuNanos / 1e9;
        return new StageResult(name, load, cluster ? "redis" : "none", results.size(), connected + failures, connected,
                failures, connectSeconds, Latency.of(connect == null ? new Histogram(3) : connect), counts, counts.lost(),
                counts.successPercent(), droppedByAnswers, gateways.dropped(), unexpected, sendSeconds, throughput,
                Latency.of(latency == null ? new Histogram(3) : latency), cpuSeconds,
                cpuNanos < 0 || delivered == 0 ? -1 : cpuNanos / 1e3 / delivered, heapPerConn, rssPerConn,
                redisPerConn, stoppedEarly, note);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ' ' + f[1] + ' ' + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private Worker startWorker(WorkerSpec spec, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(settings.clientJvm());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StressMain.class.getName());
        cmd.add("worker");
        cmd.addAll(spec.toArgs());
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        synchronized (children) {
            children.add(p);
        }
        return new Worker(p, log);
    }

    /** A client JVM and its line protocol. */
    private static final class Worker {
        private final Process process;
        private final Path log;
        private final BufferedReader in;
        private final Writer to;

        Worker(Process process, Path log) {
            this.process = process;
            this.log = log;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.to = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /**
         * The rest of the next line that starts with {@code word}. Blocks at most as long as the
         * worker's own limits (connect timeout, duration, settle), after which it answers or exits.
         */
        String expect(String word) throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(word + ' ')) {
                    return line.substring(word.length() + 1);
                }
            }
            throw new IOException("client JVM exited before " + word + "; its log: " + log);
        }

        void say(String word) {
            try {
                to.write(word + '\n');
                to.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("client JVM is gone; its log: " + log, e);
            }
        }

        void stop() throws InterruptedException {
            try {
                to.close(); // EOF: a worker still waiting for a word exits
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
