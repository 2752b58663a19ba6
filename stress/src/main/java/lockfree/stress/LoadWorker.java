package lockfree.stress;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * One client JVM's load: connects {@link WorkerSpec#users()} users to one gateway, then sends
 * rounds of the scenario and accounts for every message it sends or receives.
 *
 * <p>The latency of a message is the receiver's {@link System#nanoTime()} minus the sender's, which
 * travels inside the message. Usually sender and receiver live in this JVM. With gateways joined by
 * the Redis router, a message often goes from a user of one client JVM to a user of another; the
 * subtraction still holds, because on Linux HotSpot's {@code nanoTime} reads
 * {@code CLOCK_MONOTONIC}, one clock for every process on the machine. (The JDK promises only one
 * clock per JVM; the tool runs everything on one Linux machine, and says so.)
 *
 * <p>The steps, driven by the coordinator so that it can measure the gateways in between and
 * decide when a round has settled over all client JVMs: {@link #connect()}, then any number of
 * {@link #round} / {@link #counts()} / {@link #reset()}, then {@link #result()}, {@link #close()}.
 */
final class LoadWorker implements AutoCloseable, LoadClient.Listener {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final WorkerSpec spec;
    /* Replaced by reset() between rounds, once the coordinator has seen the previous round settle;
       the event loops see the new one through the volatile read. */
    private volatile Tally tally = new Tally();
    private final LoadClient client;
    private final LongAccumulator lastDelivery = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final AtomicReference<String> firstOddity = new AtomicReference<>();
    private LoadClient.Conn[] users = new LoadClient.Conn[0];
    /* Closed loop only: messages each user still has to send, decremented by its ack. */
    private AtomicIntegerArray remaining;
    private int connectFailures;
    private String firstFailure;
    private double connectSeconds;
    private Histogram connectHistogram = new Histogram(3);
    /* The last round's send phase, for the result. Plain fields: round() writes them and result()
       reads them on the one thread that drives this worker (the command loop, or a test). */
    private long roundStart;
    private double sendSeconds;
    private boolean stoppedEarly;

    LoadWorker(WorkerSpec spec) {
        this.spec = spec;
        this.client = new LoadClient(new InetSocketAddress(spec.host(), spec.port()), spec.threads(), this);
    }

    /** Opens every connection, at most {@code connectConcurrency} at a time; returns the logged-in count. */
    int connect() throws InterruptedException {
        int n = spec.users();
        LoadClient.Conn[] opened = new LoadClient.Conn[n];
        Semaphore inFlight = new Semaphore(spec.connectConcurrency());
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + spec.connectTimeout().toNanos();
        for (int i = 0; i < n; i++) {
            if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break; // out of time: the rest are never started, and count as failures below
            }
            int index = i;
            long t0 = System.nanoTime();
            InetAddress source = spec.sources().get(i % spec.sources().size());
            client.open(spec.firstUid() + i, source).whenComplete((conn, err) -> {
                if (err == null) {
                    tally.connected(System.nanoTime() - t0);
                    opened[index] = conn;
                } else {
                    failures.incrementAndGet();
                    failure.compareAndSet(null, err);
                }
                inFlight.release();
                done.countDown();
            });
        }
        done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        connectSeconds = (System.nanoTime() - start) / 1e9;
        connectHistogram = tally.takeConnect(); // kept here: reset() replaces the tally
        // Only users whose login_ok arrived take part; a late one left out here just idles.
        users = Arrays.stream(opened.clone()).filter(Objects::nonNull).toArray(LoadClient.Conn[]::new);
        for (int i = 0; i < users.length; i++) {
            // Positions in this array, which the scenarios index by. Written before any send, and
            // every send hands its frame to the event loop through Netty's task queue, which orders
            // this write before the ack handler's read on that thread.
            users[i].slot = i;
        }
        connectFailures = n - users.length;
        Throwable f = failure.get();
        firstFailure = f == null ? (connectFailures > 0 ? "connect phase timed out" : null) : f.toString();
        return users.length;
    }

    /**
     * Sends one round of the scenario: {@code msgs} messages per user (unicast) or {@code msgs}
     * pushes (broadcast, if this worker is the pusher), each push meant for {@code audience} users.
     * Returns when the last one is written (closed loop: acked), or at the duration limit; what is
     * still in flight is the coordinator's to wait for. The warm-up is a round like any other,
     * thrown away by {@link #reset()}: its first thousands of messages run in the JVMs'
     * interpreters, on both sides, and would measure the JIT compiler instead of the gateway.
     */
    void round(int msgs, long audience) throws InterruptedException {
        roundStart = System.nanoTime();
        long stopSending = roundStart + spec.duration().toNanos();
        boolean cluster = spec.uidSpace() > 0;
        boolean early = false;
        if (users.length >= (cluster ? 1 : 2) || (users.length >= 1 && spec.scenario() == Scenario.BROADCAST)) {
            early = switch (spec.scenario()) {
                case UNICAST -> spec.closedLoop() ? unicastClosed(msgs, stopSending) : unicastOpen(msgs, roundStart, stopSending);
                case BROADCAST -> spec.pusher() && broadcast(msgs, audience, roundStart, stopSending);
                case IDLE -> false;
            };
        }
        sendSeconds = (System.nanoTime() - roundStart) / 1e9;
        stoppedEarly = early;
    }

    /** What this worker has counted so far; the coordinator sums these to see a round settle. */
    Counts counts() {
        return tally.counts();
    }

    /** Forgets the round just settled (the warm-up): the next round starts from zero. */
    void reset() {
        tally = new Tally();
        lastDelivery.reset();
        firstOddity.set(null);
    }

    /** What this worker saw of the connect phase and the last round. */
    WorkerResult result() {
        long last = lastDelivery.get();
        double active = last == Long.MIN_VALUE ? 0 : Math.max(0, last - roundStart) / 1e9;
        Histogram latency = tally.takeLatency();
        String oddity = firstOddity.get();
        return new WorkerResult(users.length, connectFailures, firstFailure != null ? firstFailure : oddity,
                connectSeconds, Latency.encode(connectHistogram), tally.counts(), tally.unexpectedFrames(),
                sendSeconds, active, stoppedEarly, Latency.encode(latency));
    }

    /* Message i goes from user i % n to a random other user, due at start + i / rate. */
    private boolean unicastOpen(int msgs, long start, long stopSending) {
        int n = users.length;
        long total = (long) n * msgs;
        Pacer pacer = new Pacer(start, spec.rate());
        StringBuilder sb = new StringBuilder(96);
        for (long i = 0; i < total; i++) {
            long due = pacer.awaitDue(i);
            if (due > stopSending) {
                return true;
            }
            int from = (int) (i % n);
            send(users[from], otherUser(from), i, due, sb);
        }
        return false;
    }

    /* Every user sends its first message at once; each ack releases that user's next one. */
    private boolean unicastClosed(int msgs, long stopSending) throws InterruptedException {
        int n = users.length;
        remaining = new AtomicIntegerArray(n);
        for (int i = 0; i < n; i++) {
            remaining.set(i, msgs);
        }
        closedLoopDeadline = stopSending;
        for (int i = 0; i < n; i++) {
            sendNext(users[i]);
        }
        // Done when every user has sent everything and every ack is in, or at the deadline.
        while (System.nanoTime() < stopSending) {
            Counts c = tally.counts();
            if (c.sent() == (long) n * msgs && c.answers() >= c.requests()) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
        }
        return tally.counts().sent() < (long) n * msgs;
    }

    private volatile long closedLoopDeadline;

    private void sendNext(LoadClient.Conn from) {
        if (remaining.getAndDecrement(from.slot) > 0 && System.nanoTime() < closedLoopDeadline) {
            long now = System.nanoTime();
            send(from, otherUser(from.slot), now, now, new StringBuilder(96));
        }
    }

    /* A random recipient other than the sender: among this worker's users, or among all uids. */
    private long otherUser(int from) {
        long space = spec.uidSpace();
        if (space > 0) {
            long self = users[from].uid;
            long r = 1 + ThreadLocalRandom.current().nextLong(space - 1);
            return r >= self ? r + 1 : r;
        }
        int r = ThreadLocalRandom.current().nextInt(users.length - 1);
        return users[r >= from ? r + 1 : r].uid;
    }

    private void send(LoadClient.Conn from, long to, long id, long sentAt, StringBuilder sb) {
        sb.setLength(0);
        sb.append("{\"op\":\"send\",\"to\":").append(to).append(",\"id\":").append(id)
                .append(",\"data\":{\"t\":").append(sentAt).append("}}");
        // Counted before the write: an ack or the delivery can arrive before send() returns.
        tally.sent(1);
        tally.requested();
        from.send(sb.toString());
    }

    /*
     * Push k to everyone, due at start + k / rate. Each push is meant for `audience` users; the
     * answer's `accepted` says how many of this gateway's own queues took it, so the rest of this
     * gateway's users count as dropped. With a router, the other gateways' users are accounted
     * for by those gateways' drop counters (the coordinator reads them).
     */
    private boolean broadcast(int pushes, long audience, long start, long stopSending) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI push = URI.create("http://" + spec.host() + ':' + spec.port() + "/push");
        Pacer pacer = new Pacer(start, spec.rate());
        long here = users.length;
        for (int k = 0; k < pushes; k++) {
            long due = spec.closedLoop() ? System.nanoTime() : pacer.awaitDue(k);
            if (due > stopSending) {
                return true;
            }
            HttpRequest req = HttpRequest.newBuilder(push)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"all\":true,\"data\":{\"t\":" + due + "}}"))
                    .header("Content-Type", "application/json").build();
            tally.sent(audience);
            tally.requested();
            int index = k;
            var answer = http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((res, err) -> {
                if (err == null && res.statusCode() == 202) {
                    JsonNode accepted = parse(res.body()).get("accepted");
                    if (accepted != null && accepted.canConvertToLong()) {
                        tally.pushAnswered(here, accepted.longValue());
                        if (accepted.longValue() < here) {
                            note("push " + index + " reached " + accepted.longValue() + " of this gateway's " + here
                                    + " users: " + res.body());
                        }
                    } else {
                        note("push " + index + ": an answer without 'accepted': " + res.body());
                        tally.failed();
                    }
                } else {
                    note(err != null ? "push failed: " + err : "push answered HTTP " + res.statusCode() + ": " + res.body());
                    tally.failed();
                }
            });
            if (spec.closedLoop()) {
                answer.exceptionally(e -> null).join();
            }
        }
        return false;
    }

    private static JsonNode parse(String body) {
        try {
            return LoadClient.JSON.readTree(body);
        } catch (java.io.IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    // ---- LoadClient.Listener: on the client's event loops -----------------------------------

    @Override
    public void onMessage(LoadClient.Conn to, JsonNode data, long nowNanos) {
        JsonNode t = data == null ? null : data.get("t");
        if (t == null || !t.canConvertToLong()) {
            note("a msg without a send time: " + data);
            tally.unexpected();
            return;
        }
        tally.delivered(t.longValue(), nowNanos);
        lastDelivery.accumulate(nowNanos);
    }

    @Override
    public void onAck(LoadClient.Conn from, JsonNode id, String status) {
        tally.acked(status);
        if (!"ok".equals(status) && !"dropped".equals(status) && !"offline".equals(status)) {
            note("ack with status " + status);
        }
        if (remaining != null) {
            sendNext(from);
        }
    }

    @Override
    public void onOther(LoadClient.Conn conn, JsonNode frame) {
        tally.unexpected();
        note("user " + conn.uid + " got " + frame);
    }

    private void note(String what) {
        firstOddity.compareAndSet(null, what);
    }

    @Override
    public void close() {
        client.close();
    }
}
