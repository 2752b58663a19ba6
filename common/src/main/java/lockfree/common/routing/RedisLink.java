package lockfree.common.routing;

import io.lettuce.core.RedisFuture;

import java.net.URI;
import java.util.concurrent.CompletionStage;

/**
 * How the {@link RedisRouter} reaches Redis: one server ({@link StandaloneRedisLink}: PUBLISH,
 * SUBSCRIBE) or a Redis Cluster ({@link ClusterRedisLink}: sharded SPUBLISH, SSUBSCRIBE). The
 * router decides what to publish and subscribe, when, and what an answer means; a link only
 * carries it. A link is one connected set of connections: when it is lost the router makes a new
 * one and subscribes everyone again.
 */
public interface RedisLink {

    /**
     * How long a Lettuce client's event loops stay up after its last task when it shuts down. A
     * reconnect attempt caught by the shutdown (to a Redis that is down, or a dead cluster node)
     * has its channel registered, and Lettuce's read buffer allocated, but not yet closed; with
     * no quiet period the loops stop before the close that releases the buffer, and Netty's
     * leak detector reports it. The tests' own Lettuce clients use it too.
     */
    long SHUTDOWN_QUIET_MILLIS = 100;

    /** What a link tells the router. Called on Lettuce's I/O threads: hand off, never block. */
    interface Events {
        void message(String channel, byte[] payload);

        /** Redis confirmed a subscription of this link to {@code channel}. */
        void subscribed(String channel);

        /**
         * A connection closed; if it is one of the current link's ({@link #owns}), the link is
         * gone and the router reconnects. The router checks on its connector thread, after any
         * connect in progress has installed its link, so a close that comes early is not missed.
         */
        void closed(Object connection);

        /**
         * Some subscriptions may be gone while the link stays (a cluster shard failed over, its
         * slots moved, a node connection came back): subscribe every channel again. Idempotent
         * on the Redis side, so a spurious call costs commands, not correctness.
         */
        void resubscribeAll();
    }

    /** One per router: the Lettuce client and its threads; makes links. */
    interface Connector {
        /** Connects (bounded by a connect timeout) or throws. */
        RedisLink connect(Events events);

        void shutdown();
    }

    /** Whether {@code --redis} names something a connector can be made for. */
    static boolean isValid(URI uri) {
        if ("redis".equals(uri.getScheme())) {
            return uri.getHost() != null;
        }
        return ClusterRedisLink.SCHEME.equals(uri.getScheme()) && uri.getRawAuthority() != null
                && !uri.getRawAuthority().isBlank();
    }

    /** {@code redis://...}: one server; {@code redis-cluster://host:port[,host:port...]}: a cluster. */
    static Connector connector(URI uri, String clientName) {
        return ClusterRedisLink.SCHEME.equals(uri.getScheme())
                ? new ClusterRedisLink.Connector(uri, clientName)
                : new StandaloneRedisLink.Connector(uri, clientName);
    }

    /** PUBLISH (or SPUBLISH), not yet written: auto-flush is off until {@link #flush()}. */
    RedisFuture<Long> publish(String channel, byte[] payload);

    /** Writes every command handed over since the last flush, in one write per connection. */
    void flush();

    CompletionStage<?> subscribe(String... channels);

    CompletionStage<?> unsubscribe(String... channels);

    /** Channels Redis has confirmed this link holds (gateway:all included): the gauge's source. */
    long confirmedChannels();

    /**
     * Whether Redis is reachable through this link now. One server: as long as the link exists
     * (losing its connection ends the link). A cluster: while Lettuce holds at least one node
     * connection; the link outlives the whole cluster going down, since Lettuce reconnects.
     */
    default boolean isUp() {
        return true;
    }

    /** Whether {@code connection} is one of this link's, whose close ends the link. */
    boolean owns(Object connection);

    /** Closes the connections without waiting. */
    void close();
}
