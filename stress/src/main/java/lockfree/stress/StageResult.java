package lockfree.stress;

import java.util.List;

/**
 * One stage's numbers, merged over its gateway and client JVMs. Written to {@code --json} as is.
 *
 * @param stage                 the gateway's name, e.g. {@code stage0-rwlock}
 * @param loadAverage           {@code /proc/loadavg} just before this stage's run: the machine is shared
 * @param router                {@code none} (each gateway on its own) or {@code redis}
 * @param gateways              gateway JVMs (= client JVMs)
 * @param users                 users asked for
 * @param connected             users logged in
 * @param connectFailures       users that did not get in, and why the first one failed
 * @param connectSeconds        wall time of the slowest client JVM's connect phase
 * @param connectLatency        per user: TCP connect + WebSocket upgrade + login, ms
 * @param counts                the success accounting (see {@link Counts}); with a router, its
 *                              dropped and offline are the gateways' counts
 * @param lost                  {@link Counts#lost()}: must be 0
 * @param successPercent        delivered / sent
 * @param droppedByAnswers      refusals the clients were told of (acks {@code dropped}, push answers
 *                              below the audience)
 * @param droppedByGateway      refusals the gateways counted over the run (see {@link GatewayCounters}):
 *                              without a router it should equal {@code droppedByAnswers}; -1 unknown
 * @param unexpectedFrames      error frames, failed pushes, odd acks
 * @param sendSeconds           the send phase (slowest client JVM)
 * @param throughput            deliveries per second, first due send to last delivery
 * @param latency               end to end, ms, from the due send time (open loop)
 * @param gatewayCpuSeconds     user + system CPU of all gateway JVMs during the send phase
 * @param cpuMicrosPerDelivery  that CPU per delivered message
 * @param heapPerConnection     growth of the gateways' live heap (after a full GC) per logged-in user, bytes
 * @param rssPerConnection      growth of the gateways' resident memory per logged-in user, bytes
 * @param redisPerConnection    growth of Redis's {@code used_memory} per logged-in user, bytes (-1 without a router)
 * @param stoppedEarly          the duration limit stopped sending before every message was sent
 * @param note                  the first unexpected thing any client saw, or null
 * @param redisShards           each Redis master's memory and CPU ({@link ShardUsage}); one for a
 *                              single Redis, three for the local cluster; null without a router
 */
public record StageResult(String stage, String loadAverage, String router, int gateways, int users, int connected,
                          int connectFailures, double connectSeconds, Latency connectLatency, Counts counts,
                          long lost, double successPercent, long droppedByAnswers, long droppedByGateway,
                          long unexpectedFrames, double sendSeconds, double throughput, Latency latency,
                          double gatewayCpuSeconds, double cpuMicrosPerDelivery, long heapPerConnection,
                          long rssPerConnection, long redisPerConnection, boolean stoppedEarly, String note,
                          List<ShardUsage> redisShards) {

    /** Without the Redis masters' usage: {@link #withRedisShards} adds it. */
    public StageResult(String stage, String loadAverage, String router, int gateways, int users, int connected,
                       int connectFailures, double connectSeconds, Latency connectLatency, Counts counts,
                       long lost, double successPercent, long droppedByAnswers, long droppedByGateway,
                       long unexpectedFrames, double sendSeconds, double throughput, Latency latency,
                       double gatewayCpuSeconds, double cpuMicrosPerDelivery, long heapPerConnection,
                       long rssPerConnection, long redisPerConnection, boolean stoppedEarly, String note) {
        this(stage, loadAverage, router, gateways, users, connected, connectFailures, connectSeconds, connectLatency,
                counts, lost, successPercent, droppedByAnswers, droppedByGateway, unexpectedFrames, sendSeconds,
                throughput, latency, gatewayCpuSeconds, cpuMicrosPerDelivery, heapPerConnection, rssPerConnection,
                redisPerConnection, stoppedEarly, note, null);
    }

    StageResult withRedisShards(List<ShardUsage> shards) {
        return new StageResult(stage, loadAverage, router, gateways, users, connected, connectFailures, connectSeconds,
                connectLatency, counts, lost, successPercent, droppedByAnswers, droppedByGateway, unexpectedFrames,
                sendSeconds, throughput, latency, gatewayCpuSeconds, cpuMicrosPerDelivery, heapPerConnection,
                rssPerConnection, redisPerConnection, stoppedEarly, note, shards);
    }
}
