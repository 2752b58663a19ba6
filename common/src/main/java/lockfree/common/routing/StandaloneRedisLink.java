package lockfree.common.routing;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** One {@code redis-server}: a publisher connection and a subscriber connection, classic Pub/Sub. */
final class StandaloneRedisLink implements RedisLink {
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final StatefulRedisConnection<String, byte[]> publisher;
    private final StatefulRedisPubSubConnection<String, byte[]> subscriber;
    /**
     * Channels Redis says the subscriber connection holds: the count in its latest
     * SUBSCRIBE/UNSUBSCRIBE reply. This, not the SUBSCRIBEs sent, is what the
     * {@code gateway_router_subscriptions} gauge reports. Another node's PUBLISH travels on a
     * different connection, which Redis does not order with ours, so a channel whose SUBSCRIBE is
     * written but not yet confirmed can still miss a message (counted as unheard). The stress
     * tool's two-gateway test, which starts sending once the gauge adds up, lost 1-2 of 1,000
     * messages in 3 of 40 repeats on a busy machine while the gauge counted what was sent
     * (docs/results/router-subscribe-race-2026-11-24.txt). A new connection is a new link, so
     * the count starts at 0 with it. Written by Lettuce's I/O thread.
     */
    private volatile long confirmed;

    private StandaloneRedisLink(StatefulRedisConnection<String, byte[]> publisher,
                                StatefulRedisPubSubConnection<String, byte[]> subscriber) {
        this.publisher = publisher;
        this.subscriber = subscriber;
    }

    @Override
    public boolean owns(Object connection) {
        return connection == publisher || connection == subscriber;
    }

    @Override
    public RedisFuture<Long> publish(String channel, byte[] payload) {
        return publisher.async().publish(channel, payload);
    }

    @Override
    public void flush() {
        publisher.flushCommands();
    }

    @Override
    public CompletionStage<?> subscribe(String... channels) {
        return subscriber.async().subscribe(channels);
    }

    @Override
    public CompletionStage<?> unsubscribe(String... channels) {
        return subscriber.async().unsubscribe(channels);
    }

    @Override
    public long confirmedChannels() {
        return confirmed;
    }

    @Override
    public void close() {
        publisher.closeAsync();
        subscriber.closeAsync();
    }

    static final class Connector implements RedisLink.Connector {
        private final RedisURI uri;
        private final ClientResources resources;
        private final RedisClient client;
        private volatile RedisLink.Events events;

        Connector(URI uri, String clientName) {
            this.uri = RedisURI.create(uri.toString());
            this.uri.setTimeout(Duration.ofSeconds(2));
            // CLIENT LIST then tells which connections are whose: name=<clientName>, flags=P for
            // the subscriber.
            this.uri.setClientName(clientName);
            this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
            this.client = RedisClient.create(resources);
            // Lettuce's own reconnect is off: after a reconnect the router resubscribes from the
            // session manager, the truth about who is here, and fails (counts) what was in flight
            // rather than buffer it without bound.
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(false)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .protocolVersion(ProtocolVersion.RESP2)
                    .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).keepAlive(true).build())
                    .build());
            client.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                    RedisLink.Events e = events;
                    if (e != null) {
                        e.closed(connection);
                    }
                }
            });
        }

        @Override
        public RedisLink connect(RedisLink.Events events) {
            this.events = events;
            StatefulRedisConnection<String, byte[]> pub = null;
            StatefulRedisPubSubConnection<String, byte[]> sub = null;
            try {
                pub = client.connect(CODEC, uri);
                pub.setAutoFlushCommands(false);
                sub = client.connectPubSub(CODEC, uri);
            } catch (RuntimeException e) {
                closeQuietly(pub);
                closeQuietly(sub);
                throw e;
            }
            StandaloneRedisLink link = new StandaloneRedisLink(pub, sub);
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] payload) {
                    events.message(channel, payload);
                }

                @Override
                public void subscribed(String channel, long count) {
                    link.confirmed = count;
                    events.subscribed(channel);
                }

                @Override
                public void unsubscribed(String channel, long count) {
                    link.confirmed = count;
                }
            });
            return link;
        }

        @Override
        public void shutdown() {
            client.shutdown(Duration.ofMillis(SHUTDOWN_QUIET_MILLIS), Duration.ofSeconds(2));
            resources.shutdown(SHUTDOWN_QUIET_MILLIS, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }

        @Override
        public String toString() {
            return uri.toString();
        }

        private static void closeQuietly(StatefulConnection<?, ?> c) {
            if (c != null) {
                c.closeAsync();
            }
        }
    }
}
