package lockfree.stress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one stress run is told (validated), and what follows from it: how many gateway and
 * client JVMs, how the users are split among them, which flags every gateway gets.
 *
 * <p><b>Why several JVMs.</b> On the machine this workshop was measured on a process may hold at
 * most 20,000 open files and the limit cannot be raised. A connection costs one file on each side,
 * so the gateway and the load generator run in separate JVMs, and a run with more users than
 * {@code perProcess} is split into shards: shard k is one gateway JVM (port {@code basePort + k})
 * and one client JVM holding that gateway's users. On a machine whose limit is raised
 * ({@code ulimit -n 1048576}), {@code --per-process 1000000} keeps everything in one pair.
 *
 * <p><b>Islands or one cluster.</b> Without {@code redis}, the shards' gateways know nothing of
 * each other, so each shard runs its own copy of the scenario among its own users. With
 * {@code redis} (a {@code redis://} URI, or {@code auto} for a {@code redis-server} the
 * coordinator starts), every gateway runs the Redis router: a unicast goes to any of the run's
 * users wherever they are connected, and one worker's push reaches every gateway's users.
 *
 * @param targets the stages (and the limit) to run, in this order within each repeat
 * @param warmup messages per user (pushes, for broadcast) sent and thrown away before measuring
 * @param rate target sends per second over all shards (unicast: messages; broadcast: pushes);
 *             0 picks the scenario's default
 * @param redis null for gateways on their own; {@code auto} or a {@code redis://host:port} URI
 *              to join them with the Redis router
 * @param repeats how many times the targets run, interleaved: 0,1,2,3,limit,0,1,...
 */
record StressSettings(int users, int msgs, Scenario scenario, List<Target> targets, double rate,
                      boolean closedLoop, Duration duration, Duration settle, Duration connectTimeout,
                      int perProcess, int basePort, Path json, Path root, List<String> gatewayArgs,
                      List<String> gatewayJvm, List<String> clientJvm, int clientThreads,
                      int connectConcurrency, int warmup, String redis, int repeats) {

    static final double DEFAULT_UNICAST_RATE = 2000;
    static final double DEFAULT_BROADCAST_RATE = 2;
    /** {@code --redis auto}: the coordinator starts a throw-away {@code redis-server} for the run. */
    static final String AUTO_REDIS = "auto";
    /** {@code --redis cluster}: the coordinator starts a local 3-master/3-replica Redis Cluster ({@link ClusterRun}). */
    static final String CLUSTER_REDIS = "cluster";

    StressSettings {
        targets = List.copyOf(targets);
        gatewayArgs = List.copyOf(gatewayArgs);
        gatewayJvm = List.copyOf(gatewayJvm);
        clientJvm = List.copyOf(clientJvm);
        require(users >= 1, "USERS must be at least 1, got " + users);
        require(warmup >= 0, "--warmup must not be negative, got " + warmup);
        require(msgs >= 0, "MSGS must not be negative, got " + msgs);
        require(rate >= 0, "RATE must not be negative, got " + rate);
        require(perProcess >= 2, "--per-process must be at least 2, got " + perProcess);
        require(basePort > 0 && basePort + shards(users, perProcess) <= 65535, "bad --port " + basePort);
        require(!targets.isEmpty(), "no stage selected");
        require(repeats >= 1, "--repeat must be at least 1, got " + repeats);
        require(clientThreads >= 1 && connectConcurrency >= 1, "client threads and connect concurrency must be positive");
        require(redis == null || !targets.contains(Target.LIMIT),
                "the limit server has no router: with REDIS, pick stages only (STAGE=all leaves the limit out)");
        require(redis == null || targets.stream().noneMatch(t -> t instanceof Target.Peer),
                "the peers (ws, vertx) have no router: with REDIS, pick stages only");
        int smallest = users / shards(users, perProcess);
        require(scenario != Scenario.UNICAST || smallest >= 2 || (redis != null && users >= 2),
                "unicast needs at least 2 users per gateway, got " + smallest);
        require(redis == null || redis.equals(AUTO_REDIS) || redis.equals(CLUSTER_REDIS) || redis.startsWith("redis://")
                        || redis.startsWith("redis-cluster://"),
                "REDIS must be auto, cluster, a redis://host:port or a redis-cluster://host:port,... URI, got '" + redis + "'");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    static int shards(int users, int perProcess) {
        return (users + perProcess - 1) / perProcess;
    }

    /** Gateway JVMs (and client JVMs) per stage. */
    int shards() {
        return shards(users, perProcess);
    }

    /** Users of shard k: as even a split as there is. */
    int usersOf(int shard) {
        int n = shards();
        return users / n + (shard < users % n ? 1 : 0);
    }

    /** First uid of shard k; uids are 1..users over all shards. */
    long firstUidOf(int shard) {
        long uid = 1;
        for (int k = 0; k < shard; k++) {
            uid += usersOf(k);
        }
        return uid;
    }

    double effectiveRate() {
        if (rate > 0) {
            return rate;
        }
        return scenario == Scenario.BROADCAST ? DEFAULT_BROADCAST_RATE : DEFAULT_UNICAST_RATE;
    }

    /** The gateways are joined by the Redis router: one cluster rather than islands. */
    boolean cluster() {
        return redis != null;
    }

    /**
     * Shard k's share of the rate. Unicast: in proportion to its users (each sends MSGS). Broadcast:
     * the full rate; on their own every shard pushes, because each push reaches only its own
     * gateway's users, while with a router only shard 0 pushes, for everyone.
     */
    double rateOf(int shard) {
        return scenario == Scenario.BROADCAST ? effectiveRate() : effectiveRate() * usersOf(shard) / users;
    }

    /**
     * The flags every gateway of the run gets, the same for every stage: limits opened up so the
     * gateway measures its design rather than its protection (rate limit, connection cap, idle and
     * slow-consumer timeouts), the plan's 1024-slot queues kept. {@code --gateway-arg} entries
     * replace a default of the same flag.
     */
    List<String> gatewayArgsOf(int shard) {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("--max-connections", Integer.toString(usersOf(shard) + 100));
        flags.put("--rate-limit", "1000000");
        flags.put("--idle-timeout", "10m");
        flags.put("--handshake-timeout", "60s");
        flags.put("--slow-consumer-timeout", "60s");
        for (String extra : gatewayArgs) {
            int eq = extra.indexOf('=');
            if (!extra.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("--gateway-arg takes --flag=value, got " + extra);
            }
            flags.put(extra.substring(0, eq), extra.substring(eq + 1));
        }
        List<String> out = new ArrayList<>();
        flags.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out;
    }

    /**
     * Source addresses for shard k of the run's i-th stage. Each gets its own 127.x.y.0/24 so that
     * no run competes with another (or with the TIME_WAIT ports of an earlier stage) for ephemeral
     * ports: Linux routes all of 127/8 to loopback. Elsewhere only 127.0.0.1 is safe to assume.
     */
    static List<InetAddress> sources(int stageOrdinal, int shard, boolean linux, int count) {
        List<InetAddress> out = new ArrayList<>();
        try {
            if (!linux) {
                return List.of(InetAddress.getByName("127.0.0.1"));
            }
            for (int i = 1; i <= count; i++) {
                out.add(InetAddress.getByAddress(new byte[]{127, (byte) (stageOrdinal + 1), (byte) (shard + 1), (byte) i}));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // getByAddress with 4 bytes cannot fail
        }
        return out;
    }

    WorkerSpec workerSpec(int stageOrdinal, int shard, boolean linux) {
        // One source address reaches one port about 28,000 times; 4 leave room for far more than
        // one client JVM can hold under a 20,000 open-files cap.
        return new WorkerSpec("127.0.0.1", basePort + shard, firstUidOf(shard), usersOf(shard), msgs, scenario,
                rateOf(shard), closedLoop, sources(stageOrdinal, shard, linux, 4), clientThreads,
                connectConcurrency, connectTimeout, duration, cluster() ? users : 0, !cluster() || shard == 0);
    }
}
