package lockfree.common.routing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import lockfree.common.contract.Session;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.testkit.RedisServer;
import lockfree.common.testkit.SynchronizedStage;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How much the publisher's batching buys: the same messages published to Redis three ways, and
 * received by a subscriber that timestamps each one.
 * <ul>
 *   <li>{@code sync}: each producer publishes and waits for Redis's reply before the next, one
 *       round trip per message (what a plain synchronous client call does, the plan's baseline);</li>
 *   <li>{@code router, maxBatch=1}: the {@link RedisRouter} path, every publish written and
 *       flushed on its own (one socket write per message, replies not awaited);</li>
 *   <li>{@code router, maxBatch=256}: the shipped router, flushing when its queue runs dry or
 *       after 256 publishes.</li>
 * </ul>
 * Two measurements per mode: throughput with producers going flat out, and latency at a fixed,
 * modest rate (does batching cost anything when there is nothing to batch?). Latency is from the
 * producer's call to the subscriber's receipt, through Redis.
 *
 * <p>Not a unit test (no assertions, runs for a minute). Run it from the repository root:
 * <pre>
 * mvn -q -B -o -pl testkit -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp testkit/target/test-classes:testkit/target/classes:$(cat testkit/target/cp.txt) \
 *     lockfree.common.routing.RedisPublishBench [redis://host:port]
 * </pre>
 * Without an argument it starts its own redis-server on a free loopback port.
 */
public final class RedisPublishBench {
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final long UID = 42;
    private static final String CHANNEL = RedisRouter.USER_CHANNEL + UID;
    private static final int PRODUCERS = 2;
    private static final int THROUGHPUT_MESSAGES = 100_000;
    private static final int[] RATES = {1_000, 20_000};
    private static final Duration PACED_FOR = Duration.ofSeconds(3);

    private final URI uri;
    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, byte[]> subscriber;

    /** Send times by sequence number, read by the subscriber to compute each latency. */
    private long[] sentAt;
    private Histogram latency;
    private CountDownLatch allReceived;
    private final AtomicLong receivedCount = new AtomicLong();

    private RedisPublishBench(URI uri) {
        this.uri = uri;
        this.client = RedisClient.create(uri.toString());
        // Redis disconnects a subscriber that falls 8 MB behind for 60 s (32 MB at once); the
        // flat-out runs can put our one subscriber there on a busy machine, so lift the limit
        // for the measurement. The gateway survives such a disconnect (it reconnects and
        // resubscribes); the measurement would not.
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            admin.sync().configSet("client-output-buffer-limit", "pubsub 0 0 0");
        }
        this.subscriber = client.connectPubSub(CODEC);
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] payload) {
                long now = System.nanoTime();
                int seq = sequenceOf(payload);
                latency.recordValue(Math.max(0, now - sentAt[seq]));
                receivedCount.incrementAndGet();
                allReceived.countDown();
            }
        });
        subscriber.sync().subscribe(CHANNEL);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("io.lettuce.core.iouring", "false"); // as RedisRouter does: epoll, no warning
        RedisServer own = null;
        URI uri;
        if (args.length > 0) {
            uri = URI.create(args[0]);
        } else {
            own = RedisServer.onFreePortOrSkip();
            own.start();
            uri = own.uri();
        }
        try {
            new RedisPublishBench(uri).run();
        } finally {
            if (own != null) {
                own.close();
            }
        }
        System.exit(0);
    }

    private interface Publisher extends AutoCloseable {
        /** Publishes message {@code seq}; may be called from several threads. */
        void publish(int seq);

        @Override
        void close();
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "RedisPublishBench: %s, %d producer threads, JDK %s, %d cores%n",
                uri, PRODUCERS, Runtime.version(), Runtime.getRuntime().availableProcessors());
        String[] modes = {"sync", "router maxBatch=1", "router maxBatch=256"};
        // Warm-up: every mode once, results thrown away.
        for (String mode : modes) {
            throughput(mode, 20_000, false);
        }
        System.out.println();
        System.out.println("throughput, producers flat out (" + THROUGHPUT_MESSAGES + " messages)");
        System.out.println("mode                     msgs/s     p50 us     p99 us   p99.9 us   mean batch");
        for (String mode : modes) {
            throughput(mode, THROUGHPUT_MESSAGES, true);
        }
        for (int rate : RATES) {
            System.out.println();
            System.out.println("latency at " + rate + " msgs/s for " + PACED_FOR.toSeconds() + " s (one producer)");
            System.out.println("mode                     msgs/s     p50 us     p99 us   p99.9 us   mean batch");
            for (String mode : modes) {
                paced(mode, rate);
            }
        }
        subscriber.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private Publisher open(String mode) {
        if (mode.equals("sync")) {
            StatefulRedisConnection<String, byte[]> c = client.connect(CODEC);
            return new Publisher() {
                @Override
                public void publish(int seq) {
                    c.sync().publish(CHANNEL, envelope(seq));
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        }
        int maxBatch = Integer.parseInt(mode.substring(mode.indexOf('=') + 1));
        GatewayMetrics metrics = new GatewayMetrics("bench");
        // An empty session manager: uid 42 is never local, so every toUser() publishes, and no
        // session is ever there to close.
        SessionControl noSessions = new SessionControl() {
            @Override
            public void kick(Session s) {
                throw new AssertionError("no local sessions in this bench: " + s);
            }

            @Override
            public void closeSlowConsumer(Session s) {
                throw new AssertionError("no local sessions in this bench: " + s);
            }
        };
        LocalDelivery local = new LocalDelivery(SynchronizedStage.STAGE.sessions().get(), metrics, noSessions,
                Duration.ofSeconds(5));
        RedisRouter router = new RedisRouter(uri, local, new RedisRouter.Options(1 << 20, maxBatch));
        AtomicLong failures = new AtomicLong(); // publishes Redis did not confirm to a subscriber
        return new Publisher() {
            @Override
            public void publish(int seq) {
                ByteBuf frame = Unpooled.wrappedBuffer(frame(seq));
                router.toUser(UID, frame, outcome -> {
                    if (outcome != Router.Outcome.QUEUED) {
                        failures.incrementAndGet();
                    }
                });
            }

            @Override
            public void close() {
                String scrape = metrics.scrape();
                lastMeanBatch = mean(scrape, "gateway_router_publish_batch_size");
                router.close();
                if (failures.get() > 0) {
                    throw new IllegalStateException(failures.get() + " publishes not confirmed: " + scrape);
                }
            }
        };
    }

    private double lastMeanBatch;

    private void throughput(String mode, int messages, boolean print) throws Exception {
        prepare(messages);
        long elapsed;
        try (Publisher p = open(mode)) {
            long start = System.nanoTime();
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < PRODUCERS; t++) {
                int first = t;
                Thread producer = new Thread(() -> {
                    for (int seq = first; seq < messages; seq += PRODUCERS) {
                        sentAt[seq] = System.nanoTime();
                        p.publish(seq);
                    }
                }, "producer-" + t);
                producers.add(producer);
                producer.start();
            }
            for (Thread producer : producers) {
                producer.join();
            }
            awaitAll(mode, messages);
            elapsed = System.nanoTime() - start;
        }
        if (print) {
            report(mode, messages * 1e9 / elapsed);
        }
    }

    private void paced(String mode, int rate) throws Exception {
        int messages = (int) (rate * PACED_FOR.toSeconds());
        prepare(messages);
        long elapsed;
        try (Publisher p = open(mode)) {
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            for (int seq = 0; seq < messages; seq++) {
                long due = start + seq * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    if (wait > 50_000) {
                        LockSupport.parkNanos(wait - 20_000);
                    } else {
                        Thread.onSpinWait();
                    }
                }
                sentAt[seq] = System.nanoTime();
                p.publish(seq);
            }
            awaitAll(mode, messages);
            elapsed = System.nanoTime() - start;
        }
        report(mode, messages * 1e9 / elapsed);
    }

    private void prepare(int messages) {
        sentAt = new long[messages];
        latency = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        allReceived = new CountDownLatch(messages);
        receivedCount.set(0);
        lastMeanBatch = 1;
    }

    private void awaitAll(String mode, int messages) throws InterruptedException {
        if (!allReceived.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(mode + ": only " + receivedCount.get() + " of " + messages + " arrived");
        }
    }

    private void report(String mode, double perSecond) {
        System.out.printf(Locale.ROOT, "%-20s %11.0f %10.1f %10.1f %10.1f %12.1f%n", mode, perSecond,
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                latency.getValueAtPercentile(99.9) / 1e3, mode.equals("sync") ? 1.0 : lastMeanBatch);
    }

    /** _sum / _count of a histogram in a Prometheus text scrape. */
    private static double mean(String scrape, String name) {
        double sum = 0;
        double count = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "_sum ")) {
                sum = Double.parseDouble(line.substring(name.length() + 5).trim());
            } else if (line.startsWith(name + "_count ")) {
                count = Double.parseDouble(line.substring(name.length() + 7).trim());
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    private static byte[] frame(int seq) {
        return ("{\"op\":\"msg\",\"from\":1,\"data\":{\"seq\":" + seq + ",\"text\":\"a message of typical size\"}}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** What the router would publish for the frame: the sync mode sends the very same bytes. */
    private static final byte[] SYNC_HEADER = RedisMessage.msgHeader("benchsync");

    private static byte[] envelope(int seq) {
        return RedisMessage.msg(SYNC_HEADER, Unpooled.wrappedBuffer(frame(seq)));
    }

    private static int sequenceOf(byte[] payload) {
        String s = new String(payload, StandardCharsets.US_ASCII);
        int at = s.indexOf("\"seq\":") + 6;
        int end = at;
        while (Character.isDigit(s.charAt(end))) {
            end++;
        }
        return Integer.parseInt(s, at, end, 10);
    }
}
