package lockfree.stress;

import lockfree.common.routing.RedisRouter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one Redis master (a shard; one server is a cluster of one) spent during a run, read from
 * its own {@code INFO}: memory at the end of the send phase, CPU over it. A replica is left out:
 * it serves no Pub/Sub of its shard's clients, only the replication stream.
 *
 * @param node        {@code host:port}
 * @param usedMemory  {@code used_memory}: what Redis has allocated (subscriptions, client buffers), bytes
 * @param rss         {@code used_memory_rss}: the process's resident memory, bytes
 * @param cpuSeconds  growth of {@code used_cpu_sys + used_cpu_user} over the send phase
 */
public record ShardUsage(String node, long usedMemory, long rss, double cpuSeconds) {
    private static final Pattern FIELD = Pattern.compile("(?m)^(\\w+):([^\\r\\n]*)\\r?$");

    /** One master's INFO at one instant; its CPU is the total since it started. */
    record Sample(String node, long usedMemory, long rss, double cpuSeconds) {
    }

    /**
     * The masters among the nodes {@code redis} names: the one server of {@code redis://host:port},
     * or every seed of {@code redis-cluster://h:p,h:p,...} (the local cluster names all six, so
     * all three masters are found). A node that does not answer is left out.
     */
    static List<Sample> sample(URI redis) {
        List<Sample> out = new ArrayList<>();
        RedisRouter.preferEpollQuietly();
        RedisClient client = RedisClient.create();
        try {
            List<RedisURI> nodes = new ArrayList<>();
            if ("redis".equals(redis.getScheme())) {
                nodes.add(RedisURI.create(redis.toString()));
            } else {
                for (String hostPort : redis.getRawAuthority().split(",")) {
                    nodes.add(RedisURI.create("redis://" + hostPort.trim()));
                }
            }
            for (RedisURI uri : nodes) {
                uri.setTimeout(Duration.ofSeconds(5));
                try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
                    Sample s = parse(uri.getHost() + ":" + uri.getPort(), c.sync().info());
                    if (s != null) {
                        out.add(s);
                    }
                } catch (RuntimeException e) {
                    // a node down at this instant has nothing to report
                }
            }
        } finally {
            client.shutdown();
        }
        return out;
    }

    /** A master's sample from its full {@code INFO} text; null for a replica. */
    static Sample parse(String node, String info) {
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(info);
        while (m.find()) {
            f.put(m.group(1), m.group(2).trim());
        }
        if (!"master".equals(f.get("role"))) {
            return null;
        }
        return new Sample(node, number(f, "used_memory"), number(f, "used_memory_rss"),
                decimal(f, "used_cpu_sys") + decimal(f, "used_cpu_user"));
    }

    private static long number(Map<String, String> f, String key) {
        String v = f.get(key);
        return v == null ? -1 : Long.parseLong(v);
    }

    private static double decimal(Map<String, String> f, String key) {
        String v = f.get(key);
        return v == null ? 0 : Double.parseDouble(v);
    }

    /**
     * Per master of {@code after}: its memory then, and the CPU it used since {@code before}
     * (-1 if it was not a master, or not answering, then: a failover in between).
     */
    static List<ShardUsage> between(List<Sample> before, List<Sample> after) {
        List<ShardUsage> out = new ArrayList<>();
        for (Sample a : after) {
            double cpu = before.stream().filter(b -> b.node().equals(a.node())).findFirst()
                    .map(b -> a.cpuSeconds() - b.cpuSeconds()).orElse(-1.0);
            out.add(new ShardUsage(a.node(), a.usedMemory(), a.rss(), cpu));
        }
        return out;
    }

    /** The sum of the masters' {@code used_memory}; -1 if none answered. */
    static long usedMemory(List<Sample> samples) {
        return samples.isEmpty() ? -1 : samples.stream().mapToLong(Sample::usedMemory).sum();
    }
}
