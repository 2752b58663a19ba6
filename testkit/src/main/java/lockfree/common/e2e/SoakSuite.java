package lockfree.common.e2e;

import lockfree.common.testkit.Http;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import lockfree.common.transport.TransportProbe;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static lockfree.common.e2e.GatewayEndToEndSuite.WAIT;
import static lockfree.common.e2e.GatewayEndToEndSuite.awaitOp;
import static lockfree.common.e2e.GatewayEndToEndSuite.eventually;
import static lockfree.common.e2e.GatewayEndToEndSuite.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A soak of mixed legal traffic: {@value #CHURNERS} threads log in and out of a small pool of uids
 * (so re-logins kick each other), send, multicast and push, and disconnect; three sink users stay
 * logged in and receive part of it; the canary pair of {@link HostileFixture} talks throughout.
 * At the end: every message acked {@code ok} to a sink (and every push a sink was counted in)
 * arrived; sessions and users are back to the canary's two; no error went unforeseen; and the heap
 * after a full GC is where it was before the traffic began, give or take {@value #HEAP_SLACK_MIB} MiB.
 *
 * <p>{@code -Dlockfree.soak.seconds=N} sets the normal build's run (5 s by default); the
 * maintainers' run ({@code @Tag("maintainer")}, {@code -Pmaintainer}) lasts
 * {@code -Dlockfree.soak.long.seconds} (60 by default: a minute per stage, four in a CI run; a
 * longer soak is one property away).
 */
public abstract class SoakSuite extends HostileFixture {
    static final int CHURNERS = 4;
    static final long HEAP_SLACK_MIB = 32;
    private static final long[] SINKS = {700, 701, 702};
    private static final int POOL = 6; // churning uids 800..805, fewer than the threads' logins

    @Test
    @DisplayName("a few seconds of mixed logins, re-logins, sends, pushes and disconnects: nothing acked lost, back to the canary")
    void soak() throws Exception {
        soak(Duration.ofSeconds(Long.getLong("lockfree.soak.seconds", 5)));
    }

    @Test
    @Tag("maintainer")
    @DisplayName("the same soak for minutes: nothing acked lost, sessions back to the canary, heap after GC flat")
    void longSoak() throws Exception {
        soak(Duration.ofSeconds(Long.getLong("lockfree.soak.long.seconds", 60)));
    }

    void soak(Duration length) throws Exception {
        Gateway g = start(c -> c);
        long unexpectedBefore = TransportProbe.unexpectedErrors();
        List<WsTestClient> sinks = new ArrayList<>();
        for (long uid : SINKS) {
            WsTestClient s = connect(g, WsTestClient.options());
            s.send("{\"op\":\"login\",\"uid\":" + uid + "}");
            awaitOp(s, "login_ok");
            sinks.add(s);
        }
        long heapBefore = heapAfterGc();
        // sink uid -> ids acked (or counted as accepted) for it; each must arrive
        Map<Long, Set<String>> owed = new ConcurrentHashMap<>();
        for (long uid : SINKS) {
            owed.put(uid, ConcurrentHashMap.newKeySet());
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger acked = new AtomicInteger();
        long deadline = System.nanoTime() + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CHURNERS; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    churn(g, id, deadline, owed, acked);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "soak-" + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(length.plus(Patience.seconds(30)).toMillis());
            assertTrue(!th.isAlive(), th.getName() + " did not finish");
        }
        if (failure.get() != null) {
            throw new AssertionError("a soak thread failed", failure.get());
        }
        assertTrue(acked.get() > 0, "the soak delivered something");
        for (int i = 0; i < SINKS.length; i++) {
            Set<String> missing = new HashSet<>(owed.get(SINKS[i]));
            WsTestClient sink = sinks.get(i);
            while (!missing.isEmpty()) {
                String text;
                try {
                    text = sink.awaitMatching(s -> s.contains("\"msg\""), WAIT);
                } catch (AssertionError e) {
                    throw new AssertionError(missing.size() + " acked messages never reached sink " + SINKS[i]
                            + ", e.g. " + missing.iterator().next(), e);
                }
                missing.remove(json(text).get("data").asText());
            }
            sink.close();
        }
        eventually("sessions and users back to the canary's two",
                () -> g.sessions().size() == 2 && g.sessions().userCount() == 2);
        assertEquals(unexpectedBefore, TransportProbe.unexpectedErrors(), "errors no handler foresaw");
        long heapAfter = heapAfterGc();
        assertTrue(heapAfter - heapBefore < HEAP_SLACK_MIB << 20, "heap after GC grew from " + (heapBefore >> 20)
                + " MiB to " + (heapAfter >> 20) + " MiB over the soak");
        gatewaySurvived(g.port());
        System.out.printf("soak of %s on %s: %d messages owed to the sinks, all arrived; heap after GC %d -> %d MiB%n",
                length, stage().name(), acked.get(), heapBefore >> 20, heapAfter >> 20);
    }

    /** One thread's traffic until the deadline: a connection at a time, a random walk of legal actions. */
    private void churn(Gateway g, int thread, long deadline, Map<Long, Set<String>> owed, AtomicInteger acked) {
        Random rnd = new Random(thread);
        int seq = 0;
        while (System.nanoTime() < deadline) {
            long uid = 800 + rnd.nextInt(POOL);
            WsTestClient c = WsTestClient.connect(ws(g.port()));
            try {
                c.send("{\"op\":\"login\",\"uid\":" + uid + "}");
                awaitOp(c, "login_ok");
                for (int n = 1 + rnd.nextInt(20); n > 0 && System.nanoTime() < deadline; n--) {
                    String id = "t" + thread + "-" + (++seq);
                    long sink = SINKS[rnd.nextInt(SINKS.length)];
                    switch (rnd.nextInt(4)) {
                        case 0, 1 -> {
                            c.send("{\"op\":\"send\",\"to\":" + sink + ",\"data\":\"" + id + "\",\"id\":\"" + id + "\"}");
                            if ("ok".equals(ackStatus(c, id))) {
                                owed.get(sink).add(id);
                                acked.incrementAndGet();
                            }
                        }
                        case 2 -> {
                            long other = 800 + rnd.nextInt(POOL);
                            c.send("{\"op\":\"multicast\",\"to\":[" + sink + "," + other + "],\"data\":\"" + id
                                    + "\",\"id\":\"" + id + "\"}");
                            ackStatus(c, id); // ok means one of the two took it, not which: not owed
                        }
                        default -> {
                            Http.Response r;
                            try {
                                r = Http.post(http(g.port(), "/push"), "{\"to\":[" + sink + "],\"data\":\"" + id + "\"}");
                            } catch (UncheckedIOException closedUnderUs) {
                                // The gateway closes a plain HTTP connection at --handshake-timeout,
                                // keep-alive or not; a pooled connection reused at that moment gets
                                // no answer, and the push was not read (an answered push is written
                                // in the same event-loop task that read it). Not owed, not a failure.
                                continue;
                            }
                            assertEquals(202, r.status(), r.body());
                            if (json(r.body()).get("accepted").asInt() == 1) {
                                owed.get(sink).add(id);
                                acked.incrementAndGet();
                            }
                        }
                    }
                }
            } catch (AssertionError | IllegalStateException e) {
                if (c.isOpen() && !String.valueOf(e.getMessage()).contains("connection closed")) {
                    throw e;
                }
                // kicked by another thread's login of the same uid: a legal ending, start over
            } finally {
                c.close();
            }
        }
    }

    /** The status of the ack for {@code id}; null if the connection ended first (kicked). */
    private static String ackStatus(WsTestClient c, String id) {
        String ack = c.awaitMatching(s -> s.contains("\"ack\"") && s.contains('"' + id + '"'), WAIT);
        return json(ack).get("status").asText();
    }

    /** Used heap after full collections, the least of three (a collection may overlap an allocation). */
    static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
