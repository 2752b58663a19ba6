package lockfree.bench;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import lockfree.common.contract.RecordingOutbound;
import lockfree.common.contract.SendQueue;
import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.common.contract.Stage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plan's "pprof mutex" step in Java: puts a stage's session table and send queues under load
 * while JDK Flight Recorder records every contended monitor enter ({@code jdk.JavaMonitorEnter})
 * and every park ({@code jdk.ThreadPark}, how a {@code java.util.concurrent} lock makes a thread
 * wait), then prints which locks made threads wait, how often and for how long, with the code
 * that waited.
 *
 * <p>The load (until the stress tool in common lands, this is our own): {@code threads} client
 * threads over 100,000 bound users; each operation is, at random, a {@code getByUserId} (90%), a
 * re-login (5%: add + bind + remove the kicked session) or a push (5%: an offer to one of 16
 * shared connections' send queues, each drained by its own consumer thread). Everything the
 * gateway's hot path does to a stage's two classes, without the network.
 *
 * <p>Usage: {@code LockProfile <stage0..stage3> <seconds> <threads> <file.jfr>}; the recording
 * stays in the file for {@code jfr print} or JDK Mission Control.
 */
public final class LockProfile {
    private static final int USERS = 100_000;
    private static final int CONNECTIONS = 16;

    private LockProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: LockProfile <stage0..stage3> <seconds> <threads> <file.jfr>");
        }
        Stage stage = Stages.byName(args[0]);
        Duration length = Duration.ofSeconds(Long.parseLong(args[1]));
        int threads = Integer.parseInt(args[2]);
        Path file = Path.of(args[3]);

        SessionManager sessions = stage.sessions().get();
        for (long uid = 1; uid <= USERS; uid++) {
            Session s = Session.detached(uid, uid);
            sessions.add(s);
            sessions.bind(s);
        }
        List<RecordingOutbound<Object>> outbounds = new ArrayList<>();
        List<SendQueue<Object>> queues = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            RecordingOutbound<Object> out = new RecordingOutbound<>("profile", false);
            outbounds.add(out);
            queues.add(stage.queues().create(1024, out));
        }

        AtomicLong ops = new AtomicLong();
        try (Recording recording = new Recording()) {
            // Threshold 0: every contended enter and every park, not only those over 20 ms.
            recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
            recording.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            long deadline = System.nanoTime() + length.toNanos();
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                long firstId = (t + 2L) << 40; // disjoint from the population and from other threads
                Thread worker = new Thread(() -> {
                    long nextId = firstId;
                    long n = 0;
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    Object message = new Object();
                    while ((n & 1023) != 0 || System.nanoTime() < deadline) {
                        long uid = 1 + rnd.nextInt(USERS);
                        int dice = rnd.nextInt(100);
                        if (dice < 90) {
                            sessions.getByUserId(uid);
                        } else if (dice < 95) {
                            Session fresh = Session.detached(nextId++, uid);
                            sessions.add(fresh);
                            Session kicked = sessions.bind(fresh);
                            if (kicked != null) {
                                sessions.remove(kicked);
                            }
                        } else {
                            queues.get(rnd.nextInt(CONNECTIONS)).offer(message); // full: dropped, as the gateway does
                        }
                        n++;
                    }
                    ops.addAndGet(n);
                    done.countDown();
                }, "client-" + t);
                worker.start();
            }
            done.await();
            recording.stop();
            recording.dump(file);
        } finally {
            outbounds.forEach(RecordingOutbound::close);
        }
        System.out.printf(Locale.ROOT, "%s: %d client threads, %d s, %,d operations, recording in %s%n",
                stage.name(), threads, length.toSeconds(), ops.get(), file);
        summarize(file);
    }

    /** What waited, on which lock class, where: grouped, sorted by total time waited. */
    static void summarize(Path file) throws IOException {
        record Key(String event, String lockClass, String where) {
        }
        final class Total {
            long count;
            long nanos;
        }
        Map<Key, Total> totals = new HashMap<>();
        long idleParks = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (!type.equals("jdk.JavaMonitorEnter") && !type.equals("jdk.ThreadPark")) {
                continue;
            }
            RecordedThread thread = e.getThread();
            // The fake event loops park in their executor's queue while waiting for a drain task:
            // that is an idle consumer, not a contended lock, so it is counted apart.
            if (thread != null && thread.getJavaName() != null && thread.getJavaName().startsWith("outbound-")
                    && isIdleWait(e)) {
                idleParks++;
                continue;
            }
            RecordedClass c = type.equals("jdk.JavaMonitorEnter") ? e.getClass("monitorClass") : e.getClass("parkedClass");
            Key key = new Key(type.substring(4), c == null ? "(none)" : c.getName(), where(e));
            Total total = totals.computeIfAbsent(key, k -> new Total());
            total.count++;
            total.nanos += e.getDuration().toNanos();
        }
        System.out.println();
        System.out.println("Contended monitor enters and parks, by lock class and waiting code (top 12 by time):");
        System.out.printf(Locale.ROOT, "%-17s %8s %11s  %-50s %s%n", "event", "count", "total ms", "lock class", "waiting in");
        totals.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<Key, Total> en) -> en.getValue().nanos).reversed())
                .limit(12)
                .forEach(en -> System.out.printf(Locale.ROOT, "%-17s %8d %11.1f  %-50s %s%n", en.getKey().event(),
                        en.getValue().count, en.getValue().nanos / 1e6, en.getKey().lockClass(), en.getKey().where()));
        if (totals.isEmpty()) {
            System.out.println("(none: no thread of the load waited for a lock)");
        }
        System.out.println("(not counted: " + idleParks + " parks of the idle consumer threads waiting for drain tasks)");
    }

    /* A consumer thread parked in its executor's take(): waiting for work, not for a lock. */
    private static boolean isIdleWait(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return false;
        }
        return e.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getName().equals("getTask")
                        && f.getMethod().getType().getName().equals("java.util.concurrent.ThreadPoolExecutor"));
    }

    /** The first frames outside java.util.concurrent.locks and Unsafe: the code that had to wait. */
    private static String where(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return "?";
        }
        List<String> frames = new ArrayList<>();
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            String cls = f.getMethod().getType().getName();
            if (cls.startsWith("java.util.concurrent.locks.") || cls.startsWith("jdk.internal.misc.")) {
                continue;
            }
            frames.add(cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName());
            if (frames.size() == 2) {
                break;
            }
        }
        return String.join(" < ", frames);
    }
}
