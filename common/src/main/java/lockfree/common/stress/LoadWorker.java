package lockfree.common.stress;

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
 * One client JVM's load: connects {@link WorkerSpec#users()} users to one gateway, then runs the
 * scenario among them and accounts for every message.
 *
 * <p>Senders and receivers live in this one JVM, so the {@link System#nanoTime()} a sender writes
 * into a message and the one its receiver reads come from the same monotonic clock, and their
 * difference is the end-to-end latency: client write, gateway read, parse, route, the stage's
 * {@code getByUserId} and send queue, the drain's write, client read.
 *
 * <p>Three steps, so the coordinator can measure the gateway between them: {@link #connect()},
 * {@link #run()}, {@link #close()}.
 */
final class LoadWorker implements AutoCloseable, LoadClient.Listener {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final WorkerSpec spec;
    /* Replaced after the warm-up round, before any measured send; the event loops see the new one
       through the volatile read. */
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
        connectHistogram = tally.takeConnect(); // kept here: the warm-up replaces the tally
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
     * A round of the same scenario with {@code msgs} messages per user (pushes for broadcast),
     * thrown away afterwards: the first thousands of messages run in the JVMs' interpreters, on
     * both sides, and would measure the JIT compiler instead of the gateway.
     */
    void warmUp(int msgs) throws InterruptedException {
        if (msgs > 0 && spec.scenario() != Scenario.IDLE) {
            warmupMsgs = msgs;
            try {
                run();
            } finally {
                warmupMsgs = -1;
            }
        }
        tally = new Tally();
        lastDelivery.reset();
        firstOddity.set(null);
    }

    private int warmupMsgs = -1;

    /** Messages per user (pushes) of the round being run: the warm-up's or the measured one's. */
    private int msgs() {
        return warmupMsgs >= 0 ? warmupMsgs : spec.msgs();
    }

    /** Runs the scenario, waits for the stragglers, and returns what happened. */
    WorkerResult run() throws InterruptedException {
        long start = System.nanoTime();
        long stopSending = start + spec.duration().toNanos();
        boolean stoppedEarly = false;
        if (users.length >= 2 || (users.length >= 1 && spec.scenario() == Scenario.BROADCAST)) {
            stoppedEarly = switch (spec.scenario()) {
                case UNICAST -> spec.closedLoop() ? unicastClosed(stopSending) : unicastOpen(start, stopSending);
                case BROADCAST -> broadcast(start, stopSending);
                case IDLE -> false;
            };
        }
        long sentAll = System.nanoTime();
        long settleBy = sentAll + spec.settle().toNanos();
        while (!tally.counts().settled() && System.nanoTime() < settleBy) {
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
        }
        long last = lastDelivery.get();
        double active = last == Long.MIN_VALUE ? 0 : Math.max(0, last - start) / 1e9;
        Histogram latency = tally.takeLatency();
        String oddity = firstOddity.get();
        return new WorkerResult(users.length, connectFailures, firstFailure != null ? firstFailure : oddity,
                connectSeconds, Latency.encode(connectHistogram), tally.counts(), tally.unexpectedFrames(),
                (sentAll - start) / 1e9, active, stoppedEarly, Latency.encode(latency));
    }

    /* Message i goes from user i % n to a random other user, due at start + i / rate. */
    private boolean unicastOpen(long start, long stopSending) {
        int n = users.length;
        long total = (long) n * msgs();
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
    private boolean unicastClosed(long stopSending) throws InterruptedException {
        int n = users.length;
        remaining = new AtomicIntegerArray(n);
        for (int i = 0; i < n; i++) {
            remaining.set(i, msgs());
        }
        closedLoopDeadline = stopSending;
        for (int i = 0; i < n; i++) {
            sendNext(users[i]);
        }
        // Done when every user has sent everything and every ack is in, or at the deadline.
        while (System.nanoTime() < stopSending) {
            Counts c = tally.counts();
            if (c.sent() == (long) n * msgs() && c.answers() >= c.requests()) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
        }
        return tally.counts().sent() < (long) n * msgs();
    }

    private volatile long closedLoopDeadline;

    private void sendNext(LoadClient.Conn from) {
        if (remaining.getAndDecrement(from.slot) > 0 && System.nanoTime() < closedLoopDeadline) {
            long now = System.nanoTime();
            send(from, otherUser(from.slot), now, now, new StringBuilder(96));
        }
    }

    private long otherUser(int from) {
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

    /* Push k to everyone, due at start + k / rate; the answer says how many queues took it. */
    private boolean broadcast(long start, long stopSending) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI push = URI.create("http://" + spec.host() + ':' + spec.port() + "/push");
        Pacer pacer = new Pacer(start, spec.rate());
        long recipients = users.length;
        for (int k = 0; k < msgs(); k++) {
            long due = spec.closedLoop() ? System.nanoTime() : pacer.awaitDue(k);
            if (due > stopSending) {
                return true;
            }
            HttpRequest req = HttpRequest.newBuilder(push)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"all\":true,\"data\":{\"t\":" + due + "}}"))
                    .header("Content-Type", "application/json").build();
            tally.sent(recipients);
            tally.requested();
            var answer = http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((res, err) -> {
                if (err == null && res.statusCode() == 202) {
                    try {
                        tally.pushAnswered(recipients, LoadClient.JSON.readTree(res.body()).path("accepted").asLong());
                    } catch (java.io.IOException e) {
                        note("bad push answer: " + res.body());
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
