package lockfree.common.e2e;

import lockfree.common.testkit.ChildGateway;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.RawClient;
import lockfree.common.testkit.WsTestClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-client cases that need the gateway in a JVM of its own ({@link ChildGateway}): its
 * memory on a small heap under a flood, and what it writes to its log. The rest of the promises of
 * docs/PROTOCOL.md, "Limits and abuse", are in {@link HostileClientSuite}. The transport these
 * cases attack is common's, the same for every stage, so one stage runs them (stage 3):
 * <pre>
 * class Stage3HostileChildJvmTest extends HostileChildJvmSuite {
 *     &#64;Override protected Class&lt;?&gt; mainClass() { return Stage3Main.class; }
 * }
 * </pre>
 *
 * <p>For maintainers ({@code -Pmaintainer}): each case starts a gateway JVM of its own.
 */
@Tag("maintainer")
public abstract class HostileChildJvmSuite {
    private static final Duration WAIT = GatewayEndToEndSuite.WAIT;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private HostileClientSuite.Canary canary;

    /** The main class of the stage whose gateway runs in the child JVM. */
    protected abstract Class<?> mainClass();

    @AfterEach
    void stopEverything() throws Exception {
        if (canary != null) {
            canary.stop();
        }
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    /** The stage's gateway in a JVM of its own with a 128 MiB heap. */
    private ChildGateway smallHeapChild(String... args) throws IOException {
        ChildGateway child = ChildGateway.start(mainClass(), List.of("-Xmx128m"), 0, args);
        resources.add(child);
        return child;
    }

    private WsTestClient connect(int port) {
        WsTestClient c = WsTestClient.connect(ws(port));
        resources.add(c::close);
        return c;
    }

    private static URI ws(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    private static URI http(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    @DisplayName("-Xmx128m, one client flooding pings and sends without reading for 30 s: up, RSS bounded, canary whole")
    void smallHeapFlood() throws IOException {
        ChildGateway child = smallHeapChild("--rate-limit", "1000000", "--slow-consumer-timeout", "2s");
        int port = child.port();
        canary = new HostileClientSuite.Canary(connect(port), connect(port), null);
        long rssBefore = child.rssKib();
        AtomicLong maxRss = new AtomicLong(rssBefore);
        AtomicInteger unhealthy = new AtomicInteger();
        ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor();
        resources.add(probe::shutdownNow);
        probe.scheduleWithFixedDelay(() -> {
            maxRss.accumulateAndGet(child.rssKib(), Math::max);
            try {
                if (Http.get(http(port, "/health")).status() != 200) {
                    unhealthy.incrementAndGet();
                }
            } catch (UncheckedIOException e) {
                unhealthy.incrementAndGet();
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        // One flooder at a time, on a blocking socket that never reads: 200 pings (125-byte
        // payloads, each worth a pong) and 200 sends (each acked with its 8 KB id) per write. The
        // writes block once the gateway stops reading, and fail once it closes us; then the next
        // flooder comes.
        byte[] ping = RawClient.frame(true, RawClient.PING, new byte[125]);
        byte[] send = RawClient.text("{\"op\":\"send\",\"to\":404,\"data\":0,\"id\":\"" + "i".repeat(8192) + "\"}");
        byte[][] batch = new byte[400][];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = i % 2 == 0 ? ping : send;
        }
        long end = System.nanoTime() + FLOOD.toNanos();
        int floods = 0;
        while (System.nanoTime() < end) {
            floods++;
            try (RawClient flooder = RawClient.connect(port, WAIT, 4096)) {
                flooder.write(RawClient.upgrade("/ws", Map.of()));
                assertEquals(101, flooder.readResponse().status()); // the last thing it reads
                flooder.write(RawClient.text("{\"op\":\"login\",\"uid\":666}"));
                while (System.nanoTime() < end) {
                    flooder.write(batch);
                }
            } catch (UncheckedIOException closedByTheGateway) {
                // expected: the gateway stopped reading, then closed us
            }
        }
        probe.shutdownNow();
        System.out.printf("small-heap flood: %d flooders, RSS %d MiB before, peak %d MiB%n",
                floods, rssBefore / 1024, maxRss.get() / 1024);
        assertTrue(child.process().isAlive(), "the gateway is still up:\n" + String.join("\n", child.output()));
        assertTrue(child.output().stream().noneMatch(l -> l.contains("OutOfMemoryError")),
                String.join("\n", child.output()));
        assertEquals(0, unhealthy.get(), "/health answered 200 every time during the flood");
        assertTrue(maxRss.get() < RSS_BOUND_KIB, "RSS peaked at " + maxRss.get() / 1024 + " MiB (before the flood "
                + rssBefore / 1024 + " MiB), over the " + RSS_BOUND_KIB / 1024 + " MiB bound");
        assertTrue(floods >= 2, "the flooder was closed and came back at least once");
        canary.verify();
        assertEquals(200, Http.get(http(port, "/health")).status());
    }

    /** How long the small-heap flood lasts. */
    private static final Duration FLOOD = Duration.ofSeconds(30);
    /**
     * The RSS a -Xmx128m gateway must stay under while flooded. Before the flood it holds the JVM
     * itself (code, metaspace, threads) and part of its heap; under any load the heap grows to its
     * 128 MiB. What the flood may add on top is the bounded per-connection memory of PROTOCOL.md
     * ("Limits and abuse"): about a megabyte per flooder. Without the outbound budget the
     * flooder's pongs and acks pile up in direct memory, tens of MiB in seconds, and the peak
     * passes this bound within the flood.
     */
    private static final long RSS_BOUND_KIB = 240 * 1024;

    @Test
    @DisplayName("requests abandoned mid-body do not log a stack trace each")
    void abandonedRequestsAreQuiet() throws IOException {
        ChildGateway child = smallHeapChild();
        int linesBefore = child.output().size();
        int abandoned = 50;
        for (int i = 0; i < abandoned; i++) {
            try (RawClient r = RawClient.connect(child.port())) {
                r.write(RawClient.request("POST", "/push", Map.of("Host", "x", "Content-Type", "application/json",
                        "Content-Length", "1000"), "{\"to\":[1],"));
            }
        }
        assertEquals(200, Http.get(http(child.port(), "/health")).status());
        List<String> logged = child.output().subList(linesBefore, child.output().size());
        assertTrue(logged.size() < 10, abandoned + " abandoned requests logged " + logged.size() + " lines:\n"
                + String.join("\n", logged));
    }
}
