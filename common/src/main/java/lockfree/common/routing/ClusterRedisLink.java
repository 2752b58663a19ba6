package lockfree.common.routing;

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
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
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
 * Lettuce keeps the connections: one per node, reconnecting (and re-subscribing the shard
 * channels that connection had), routing each command by slot, and following the topology
 * (refreshed every second and on every redirect or reconnect). The router keeps the
 * subscriptions: a shard's subscriptions die with its master, and when slots move, Redis drops the
 * subscriptions of their channels on the old owner. Neither says which channels to subscribe where
 * next. So on every topology change this link asks the router to subscribe every channel again
 * ({@link Events#resubscribeAll}); the router takes them from the session manager, and Lettuce
 * sends each to its slot's current owner. A channel Redis unsubscribed us from (a
 * {@code sunsubscribe} we did not ask for) triggers the same.
 *
 * <h2>No duplicates from a returning node</h2>
 * A failed master that comes back is a replica, and Lettuce re-subscribes its old connection to
 * it; a replica's shard channels still receive every {@code SPUBLISH} of its shard. A message is
 * therefore not delivered from a node the topology names as a replica: the router subscribes at
 * masters only ({@code RedisShardedClusterTest.masterFailoverAndRejoin} counts every arrival).
 *
 * <h2>Up or down</h2>
 * On one server a lost connection ends the link, and the router is down until it reconnects.
 * Here Lettuce reconnects by itself, so the link lives on while every node is gone; what says
 * "down" is the set of open node connections, kept from Lettuce's connect and disconnect
 * events. While it is empty the router reports down ({@code /health} degraded) and publishes are
 * refused at once (acked {@code dropped}) rather than after the command timeout; the first
 * connection after none asks for every subscription again.
 */
final class ClusterRedisLink implements RedisLink {
    static final String SCHEME = "redis-cluster";
    private static final long RETRY_MILLIS = 200;

    private final StatefulRedisClusterConnection<String, byte[]> publisher;
    private final StatefulRedisClusterPubSubConnection<String, byte[]> subscriber;
    private final Connector connector;
    /** Channels some node has confirmed ({@code ssubscribed}) and not since dropped. */
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    /** Channels this router asked to leave; a {@code sunsubscribe} for any other came from Redis. */
    private final Set<String> leaving = ConcurrentHashMap.newKeySet();

    private final Runnable retry;

    /** @param retry asks the router, a little later, to subscribe everyone again */
    private ClusterRedisLink(StatefulRedisClusterConnection<String, byte[]> publisher,
                             StatefulRedisClusterPubSubConnection<String, byte[]> subscriber, Connector connector,
                             Runnable retry) {
        this.publisher = publisher;
        this.subscriber = subscriber;
        this.connector = connector;
        this.retry = retry;
    }

    @Override
    public RedisFuture<Long> publish(String channel, byte[] payload) {
        return publisher.async().spublish(channel, payload);
    }

    @Override
    public void flush() {
        publisher.flushCommands();
    }

    /**
     * One SSUBSCRIBE per slot: Redis refuses channels of several slots in one (CROSSSLOT). On one
     * server a failed SUBSCRIBE means the connection is going down, and the reconnection
     * subscribes everyone; here a node can refuse one (its slot just moved, it is failing over)
     * while the link stays, so a failure asks for everyone again, a little later.
     */
    @Override
    public CompletionStage<?> subscribe(String... channels) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (List<String> sameSlot : bySlot(channels)) {
            leaving.removeAll(sameSlot);
            all.add(subscriber.async().ssubscribe(sameSlot.toArray(new String[0])).toCompletableFuture()
                    .whenComplete((ok, e) -> {
                        if (e != null) {
                            retry.run();
                        }
                    }));
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

    /** Some node connection is open: with none (the whole cluster down), publishes fail fast and /health says degraded. */
    @Override
    public boolean isUp() {
        return !connector.open.isEmpty();
    }

    @Override
    public void close() {
        connector.current = null;
        publisher.closeAsync();
        subscriber.closeAsync();
    }

    /**
     * Whether a message from {@code node} may be delivered: not if the topology knows the node as
     * a replica. (Not "only from the slot's master": while a slot moves, the old owner still
     * serves it, and still delivers, after the new owner is known.)
     */
    private boolean fromMaster(RedisClusterNode node) {
        RedisClusterNode known = node == null ? null : subscriber.getPartitions().getPartitionByNodeId(node.getNodeId());
        return known == null || !known.is(RedisClusterNode.NodeFlag.REPLICA);
    }

    static final class Connector implements RedisLink.Connector {
        private final List<RedisURI> seeds = new ArrayList<>();
        private final ClientResources resources;
        private final RedisClusterClient client;
        private final String description;
        private final Disposable watch;
        /**
         * The local addresses of the open connections to any node (subscriber, publisher and
         * topology refresh alike): empty while no node answers. Kept from the client's first
         * connection on, so it is complete when a link is made.
         */
        private final Set<SocketAddress> open = ConcurrentHashMap.newKeySet();
        /** What the current link tells the router; null between links. */
        private volatile Events current;

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
            // Commands wait while a node connection is being made or re-made (bounded by the
            // 2 s command timeout, then failed: a publish is then acked dropped). Rejecting them
            // instead would refuse the first command to every node, whose connection Lettuce
            // opens on first use. Every adaptive refresh trigger (a MOVED or ASK redirect, a
            // reconnect, an uncovered slot, an unknown node) is on by default since Lettuce 7.
            client.setOptions(ClusterClientOptions.builder()
                    .protocolVersion(ProtocolVersion.RESP2)
                    .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).keepAlive(true).build())
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(1))
                            .refreshTriggersReconnectAttempts(1)
                            .build())
                    .build());
            this.watch = resources.eventBus().get().subscribe(this::onEvent);
        }

        /*
         * Lettuce's event bus, on its threads. A node connection that comes back (the same node
         * restarted) is re-subscribed by Lettuce, which remembers each connection's shard
         * channels; a changed topology (a replica promoted, slots moved) is ours to follow, and
         * so is a cluster that comes back after every node was gone (its nodes may have moved
         * on meanwhile). Synchronized so that "the first connection after none" is seen once.
         */
        private synchronized void onEvent(Event e) {
            boolean back = false;
            if (e instanceof ConnectedEvent c && c.localAddress() != null) {
                back = open.isEmpty();
                open.add(c.localAddress());
            } else if (e instanceof DisconnectedEvent d && d.localAddress() != null) {
                open.remove(d.localAddress());
            }
            Events events = current;
            if (events != null && (back || e instanceof ClusterTopologyChangedEvent)) {
                events.resubscribeAll();
            }
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
            current = events;
            ClusterRedisLink link = new ClusterRedisLink(pub, sub, this, () -> resources.eventExecutorGroup()
                    .schedule(events::resubscribeAll, RETRY_MILLIS, TimeUnit.MILLISECONDS));
            sub.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, String channel, byte[] payload) {
                    if (link.fromMaster(node)) {
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

        /** A connection to a dead node (it stays in the topology, flagged fail) keeps retrying: see SHUTDOWN_QUIET_MILLIS. */
        @Override
        public void shutdown() {
            watch.dispose();
            client.shutdown(Duration.ofMillis(SHUTDOWN_QUIET_MILLIS), Duration.ofSeconds(2));
            resources.shutdown(SHUTDOWN_QUIET_MILLIS, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
