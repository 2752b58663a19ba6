package lockfree.common;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import reactor.core.Disposable;

import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster through sharded Pub/Sub (Redis 7): {@code SPUBLISH} and {@code SSUBSCRIBE}
 * route each channel to the shard that owns its hash slot, so a message costs one shard, where a
 * classic {@code PUBLISH} on a cluster is copied to every node over the cluster bus. Every channel
 * of the router is sharded, {@code gateway:all} included: it lives on one shard, which carries
 * every broadcast (docs/REDIS.md, "Past one machine", says what that costs).
 *
 * <h2>Who keeps the subscriptions</h2>
 * Lettuce keeps the connections: one per node, reconnecting, routing each command by slot, and
 * following the topology (refreshed every second and on every redirect or reconnect). The router
 * keeps the subscriptions: a shard's subscriptions die with its master, and when slots move,
 * Redis drops the subscriptions of their channels on the old owner. Neither says which channels
 * to subscribe where next. So on every topology change and every node connection that comes back,
 * this link asks the router to subscribe every channel again ({@link Events#resubscribeAll}); the
 * router takes them from the session manager, and Lettuce sends each to its slot's current owner.
 * A channel Redis unsubscribed us from ({@code sunsubscribe} we did not ask for) triggers the same.
 *
 * <h2>No duplicates from a returning node</h2>
 * A failed master that comes back is a replica, and Lettuce re-subscribes its old connection to
 * it; a replica's shard channels still receive every {@code SPUBLISH} of its shard. A message is
 * therefore delivered only from the node the topology names as the slot's master, the node the
 * router subscribed at.
 */
final class ClusterRedisLink implements RedisLink {
    static final String SCHEME = "redis-cluster";

    private final StatefulRedisClusterConnection<String, byte[]> publisher;
    private final StatefulRedisClusterPubSubConnection<String, byte[]> subscriber;
    private final Disposable events;
    /** Channels some node has confirmed ({@code ssubscribed}) and not since dropped. */
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    /** Channels this router asked to leave; a {@code sunsubscribe} for any other came from Redis. */
    private final Set<String> leaving = ConcurrentHashMap.newKeySet();

    private ClusterRedisLink(StatefulRedisClusterConnection<String, byte[]> publisher,
                             StatefulRedisClusterPubSubConnection<String, byte[]> subscriber, Disposable events) {
        this.publisher = publisher;
        this.subscriber = subscriber;
        this.events = events;
    }

    @Override
    public RedisFuture<Long> publish(String channel, byte[] payload) {
        return publisher.async().spublish(channel, payload);
    }

    @Override
    public void flush() {
        publisher.flushCommands();
    }

    /** One SSUBSCRIBE per slot: Redis refuses channels of several slots in one (CROSSSLOT). */
    @Override
    public CompletionStage<?> subscribe(String... channels) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (List<String> sameSlot : bySlot(channels)) {
            leaving.removeAll(sameSlot);
            all.add(subscriber.async().ssubscribe(sameSlot.toArray(new String[0])).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public CompletionStage<?> unsubscribe(String... channels) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (List<String> sameSlot : bySlot(channels)) {
            leaving.addAll(sameSlot);
            all.add(subscriber.async().sunsubscribe(sameSlot.toArray(new String[0])).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    private static Iterable<List<String>> bySlot(String... channels) {
        Map<Integer, List<String>> groups = new LinkedHashMap<>();
        for (String c : channels) {
            groups.computeIfAbsent(SlotHash.getSlot(c), s -> new ArrayList<>()).add(c);
        }
        return groups.values();
    }

    @Override
    public long confirmedChannels() {
        return confirmed.size();
    }

    /** Lettuce reconnects cluster connections itself: this link ends only with the router. */
    @Override
    public boolean owns(Object connection) {
        return false;
    }

    @Override
    public void close() {
        events.dispose();
        publisher.closeAsync();
        subscriber.closeAsync();
    }

    /** Whether {@code node} is, as far as the topology knows, the master of {@code channel}'s slot. */
    private boolean fromOwner(RedisClusterNode node, String channel) {
        RedisClusterNode owner = subscriber.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
        return node == null || owner == null || owner.getNodeId().equals(node.getNodeId());
    }

    static final class Connector implements RedisLink.Connector {
        private final List<RedisURI> seeds = new ArrayList<>();
        private final ClientResources resources;
        private final RedisClusterClient client;
        private final String description;

        Connector(URI uri, String clientName) {
            this.description = uri.toString();
            for (String hostPort : uri.getRawAuthority().split(",")) {
                RedisURI seed = RedisURI.create("redis://" + hostPort.trim());
                seed.setTimeout(Duration.ofSeconds(2));
                seed.setClientName(clientName);
                seeds.add(seed);
            }
            this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
            this.client = RedisClusterClient.create(resources, seeds);
            client.setOptions(ClusterClientOptions.builder()
                    .disconnectedBehavior(ClusterClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .protocolVersion(ProtocolVersion.RESP2)
                    .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).keepAlive(true).build())
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(1))
                            .enableAllAdaptiveRefreshTriggers()
                            .refreshTriggersReconnectAttempts(1)
                            .build())
                    .build());
        }

        @Override
        public RedisLink connect(Events events) {
            StatefulRedisClusterConnection<String, byte[]> pub = null;
            StatefulRedisClusterPubSubConnection<String, byte[]> sub = null;
            try {
                pub = client.connect(StandaloneRedisLink.CODEC);
                pub.setAutoFlushCommands(false);
                sub = client.connectPubSub(StandaloneRedisLink.CODEC);
                sub.setNodeMessagePropagation(true);
            } catch (RuntimeException e) {
                if (pub != null) {
                    pub.closeAsync();
                }
                if (sub != null) {
                    sub.closeAsync();
                }
                throw e;
            }
            // Connections seen closing, by remote address: their coming back means their
            // subscriptions may be gone (a restarted node) or stale (a demoted master).
            Set<SocketAddress> wentAway = ConcurrentHashMap.newKeySet();
            Disposable watch = resources.eventBus().get().subscribe(e -> {
                if (e instanceof ClusterTopologyChangedEvent) {
                    events.resubscribeAll();
                } else if (e instanceof ConnectionDeactivatedEvent d) {
                    wentAway.add(d.remoteAddress());
                } else if (e instanceof ConnectionActivatedEvent a && wentAway.remove(a.remoteAddress())) {
                    events.resubscribeAll();
                }
            });
            ClusterRedisLink link = new ClusterRedisLink(pub, sub, watch);
            sub.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, String channel, byte[] payload) {
                    if (link.fromOwner(node, channel)) {
                        events.message(channel, payload);
                    }
                }

                @Override
                public void ssubscribed(RedisClusterNode node, String channel, long count) {
                    link.confirmed.add(channel);
                    events.subscribed(channel);
                }

                @Override
                public void sunsubscribed(RedisClusterNode node, String channel, long count) {
                    link.confirmed.remove(channel);
                    if (!link.leaving.remove(channel)) {
                        events.resubscribeAll(); // Redis moved the slot away: subscribe at the new owner
                    }
                }
            });
            return link;
        }

        @Override
        public void shutdown() {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
