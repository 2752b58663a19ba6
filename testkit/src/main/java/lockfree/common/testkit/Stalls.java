package lockfree.common.testkit;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Says in words why threads stopped making progress: the part of a hang a learner can act on.
 *
 * <p>Left alone, a stuck test is a frozen terminal, then a timeout. A timeout says only that
 * time ran out, which on a busy machine is no verdict at all. What does tell a mistake from a slow
 * machine is the threads' state, so {@link #sample()} takes a snapshot of every thread and
 * {@link Sample#explain} compares two snapshots taken some seconds apart:
 * <ul>
 *   <li>a <b>deadlock</b> (a cycle of threads, each waiting for a monitor or a lock another one
 *   holds) is reported by the JVM itself and is final: no amount of waiting ends it;</li>
 *   <li>a thread waiting for the <b>write lock of a {@code ReentrantReadWriteLock}</b> that no
 *   thread holds exclusively, in the same place in both snapshots, is waiting for read locks to be
 *   released. When they never are, a reader is waiting for itself: a read lock cannot be upgraded
 *   to the write lock. The JVM cannot see this one (read locks have no owner it tracks), which is
 *   why it is named separately;</li>
 *   <li>a thread <b>running</b> (not waiting) inside the same call of the code under test in both
 *   snapshots is spinning: a loop whose exit condition never comes true.</li>
 * </ul>
 * Nothing here measures speed: each verdict is a state that cannot end by itself, seen twice.
 */
public final class Stalls {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Stalls() {
    }

    /** Every live thread's state and stack, now. */
    public static Sample sample() {
        ThreadInfo[] infos = THREADS.dumpAllThreads(true, true);
        Map<Long, ThreadInfo> byId = new HashMap<>();
        for (ThreadInfo info : infos) {
            if (info != null) {
                byId.put(info.getThreadId(), info);
            }
        }
        long[] deadlocked = THREADS.findDeadlockedThreads();
        return new Sample(byId, deadlocked == null ? new long[0] : deadlocked);
    }

    /**
     * A thread that ran inside one call of the code under test in every one of {@code samples}
     * (oldest first, taken some time apart): RUNNABLE each time, with the same outermost frame of
     * {@code ours} and the same callers below it. Two snapshots are not enough for this: a test
     * that calls the code in a tight loop is often caught inside a call twice in a row, a new call
     * each time with the same callers. Many snapshots over seconds all inside the call are what a
     * loop that never returns looks like (a thread dump stops a compiled loop at its back edge, so
     * a caller's loop shows the caller, and the code's own loop shows the code).
     *
     * @param seconds how long the samples span, for the message
     * @param ignore  threads never blamed (stuck or running before the watch began)
     */
    public static Optional<String> spinning(List<Sample> samples, Predicate<StackTraceElement> ours, long seconds,
                                            Set<Long> ignore) {
        if (samples.size() < 2) {
            return Optional.empty();
        }
        Sample last = samples.get(samples.size() - 1);
        for (ThreadInfo now : last.threads.values()) {
            long id = now.getThreadId();
            if (ignore.contains(id)) {
                continue;
            }
            String call = callOf(now, ours);
            if (call == null || underAModelChecker(now)) {
                continue;
            }
            boolean always = true;
            for (Sample s : samples) {
                ThreadInfo then = s.threads.get(id);
                if (then == null || !call.equals(callOf(then, ours))) {
                    always = false;
                    break;
                }
            }
            if (always) {
                StackTraceElement inner = Arrays.stream(now.getStackTrace()).filter(ours).findFirst().orElseThrow();
                return Optional.of("no progress for " + seconds + " s: thread " + now.getThreadName()
                        + " kept running inside " + Sample.shortName(inner) + " (line " + inner.getLineNumber()
                        + ") and never returned (a loop whose exit condition never comes true?)");
            }
        }
        return Optional.empty();
    }

    /**
     * The rule every watcher of a running test applies (the test kit's {@link Watchdog}, the
     * exercise runner's watch): a stuck state ({@link Sample#explain}, spins left out) is a verdict
     * only once every snapshot over a whole look, each compared with the one before it, shows it.
     * Every one, not the two ends only: a writer that waits for readers again and again,
     * legitimately, is often caught waiting at the same line seconds apart, and almost never at
     * every quarter second in between. The caller takes the snapshots, a fraction of the look apart.
     */
    public static final class Watching {
        private final long lookNanos;
        private final Predicate<StackTraceElement> ours;
        private final Set<Long> ignore;
        private Sample before;
        private long stuckSince = -1;

        /**
         * @param ours   the frames of the code under test, for the verdict's words
         * @param ignore threads never blamed (stuck before the watch began, say)
         */
        public Watching(Duration look, Predicate<StackTraceElement> ours, Set<Long> ignore) {
            this.lookNanos = look.toNanos();
            this.ours = ours;
            this.ignore = ignore;
        }

        /** Takes the next snapshot; the verdict once a stuck state has been in every one for the whole look. */
        public Optional<String> next(Sample now) {
            Sample earlier = before;
            before = now;
            if (earlier == null) {
                return Optional.empty();
            }
            Optional<String> seen = now.explain(earlier, ours, false, ignore);
            long at = System.nanoTime();
            if (seen.isEmpty()) {
                stuckSince = -1;
            } else if (stuckSince < 0) {
                stuckSince = at;
            } else if (at - stuckSince >= lookNanos) {
                return seen;
            }
            return Optional.empty();
        }
    }

    /**
     * A model checker (Lincheck) runs the code it explores many times over, slowly, on threads it
     * reuses, and reports an endless loop in it itself ("active lock detected"): a thread of its
     * is always inside the same call when sampled, so it is never called spinning here.
     */
    private static boolean underAModelChecker(ThreadInfo info) {
        return Arrays.stream(info.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("org.jetbrains.lincheck.")
                || f.getClassName().startsWith("org.jetbrains.kotlinx.lincheck.")
                || info.getThreadName().startsWith("Lincheck"));
    }

    /**
     * The call of {@code ours} a running thread is in: its outermost frame of {@code ours} (class
     * and method; the line moves while it loops) and every frame below it; null when the thread
     * waits or runs none of {@code ours}.
     */
    private static String callOf(ThreadInfo info, Predicate<StackTraceElement> ours) {
        if (info.getThreadState() != Thread.State.RUNNABLE) {
            return null;
        }
        StackTraceElement[] stack = info.getStackTrace();
        for (int i = stack.length - 1; i >= 0; i--) {
            if (ours.test(stack[i])) {
                StringBuilder key = new StringBuilder(stack[i].getClassName()).append('.').append(stack[i].getMethodName());
                for (int j = i + 1; j < stack.length; j++) {
                    key.append('|').append(stack[j]);
                }
                return key.toString();
            }
        }
        return null;
    }

    /** One snapshot of the threads. */
    public static final class Sample {
        private final Map<Long, ThreadInfo> threads;
        private final long[] deadlocked;

        private Sample(Map<Long, ThreadInfo> threads, long[] deadlocked) {
            this.threads = threads;
            this.deadlocked = deadlocked;
        }

        /**
         * Why threads are stuck, if this snapshot and {@code earlier} show it. {@code ours} picks
         * the frames of the code under test (a spin is reported only inside it, so that a
         * library's own busy thread is never blamed).
         */
        public Optional<String> explain(Sample earlier, Predicate<StackTraceElement> ours) {
            return explain(earlier, ours, true, Set.of());
        }

        /**
         * As {@link #explain(Sample, Predicate)}; {@code spins} false leaves spinning out (where a
         * long loop in one call is legitimate, as in a stress test), and threads in {@code ignore}
         * (stuck before the watch began, say) are never blamed.
         */
        public Optional<String> explain(Sample earlier, Predicate<StackTraceElement> ours, boolean spins,
                                        Set<Long> ignore) {
            Optional<String> deadlock = deadlock(earlier, ignore);
            if (deadlock.isPresent()) {
                return deadlock;
            }
            for (ThreadInfo now : threads.values()) {
                ThreadInfo before = earlier.threads.get(now.getThreadId());
                if (before == null || ignore.contains(now.getThreadId()) || !sameStack(before, now)) {
                    continue;
                }
                Optional<String> upgrade = readLockUpgrade(now, ours);
                if (upgrade.isPresent()) {
                    return upgrade;
                }
                Optional<String> spin = spins ? spin(now, ours) : Optional.empty();
                if (spin.isPresent()) {
                    return spin;
                }
            }
            return Optional.empty();
        }

        /** Every thread alive in this snapshot. */
        public Set<Long> threadIds() {
            return new HashSet<>(threads.keySet());
        }

        /** The threads stuck now in a way {@link #explain} names: never blamed again for a later hang. */
        public Set<Long> blocked() {
            Set<Long> ids = new HashSet<>();
            for (long id : deadlocked) {
                ids.add(id);
            }
            for (ThreadInfo info : threads.values()) {
                if (readLockUpgrade(info, f -> true).isPresent()) {
                    ids.add(info.getThreadId());
                }
            }
            return ids;
        }

        /** The stacks of the threads running {@code ours} code, for a report. */
        public String stacks(Predicate<StackTraceElement> ours) {
            StringBuilder out = new StringBuilder();
            for (ThreadInfo info : threads.values()) {
                if (Arrays.stream(info.getStackTrace()).anyMatch(ours)) {
                    out.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
                    if (info.getLockInfo() != null) {
                        out.append(" on ").append(info.getLockInfo());
                    }
                    out.append('\n');
                    for (StackTraceElement frame : info.getStackTrace()) {
                        out.append("    at ").append(frame).append('\n');
                    }
                }
            }
            return out.toString();
        }

        private Optional<String> deadlock(Sample earlier, Set<Long> ignore) {
            List<String> parts = new ArrayList<>();
            for (long id : deadlocked) {
                if (ignore.contains(id)) {
                    continue;
                }
                // Seen in both snapshots: a cycle found while its last lock was being handed over
                // is not reported.
                if (Arrays.stream(earlier.deadlocked).noneMatch(e -> e == id)) {
                    continue;
                }
                ThreadInfo info = threads.get(id);
                if (info == null) {
                    continue;
                }
                parts.add("thread " + info.getThreadName() + held(info) + " and waits for "
                        + info.getLockInfo() + " held by " + info.getLockOwnerName() + where(info, f -> true));
            }
            if (parts.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("deadlock: " + String.join("; ", parts));
        }

        private static Optional<String> readLockUpgrade(ThreadInfo info, Predicate<StackTraceElement> ours) {
            LockInfo lock = info.getLockInfo();
            if (lock == null || info.getLockOwnerName() != null
                    || !lock.getClassName().startsWith("java.util.concurrent.locks.ReentrantReadWriteLock")) {
                return Optional.empty();
            }
            boolean wantsWriteLock = Arrays.stream(info.getStackTrace())
                    .anyMatch(f -> f.getClassName().endsWith("ReentrantReadWriteLock$WriteLock"));
            if (!wantsWriteLock) {
                return Optional.empty();
            }
            return Optional.of("deadlock: thread " + info.getThreadName()
                    + " waits for the write lock of a ReentrantReadWriteLock" + where(info, ours)
                    + " while read locks of it stay held and no thread holds its write lock;"
                    + " if this thread holds the read lock itself, it waits for itself"
                    + " (a read lock cannot be upgraded: release it before taking the write lock)");
        }

        private static Optional<String> spin(ThreadInfo info, Predicate<StackTraceElement> ours) {
            if (info.getThreadState() != Thread.State.RUNNABLE) {
                return Optional.empty();
            }
            Optional<StackTraceElement> frame = Arrays.stream(info.getStackTrace()).filter(ours).findFirst();
            return frame.map(f -> "no progress: thread " + info.getThreadName() + " kept running inside "
                    + shortName(f) + " (line " + f.getLineNumber() + ") without returning"
                    + " (a loop whose exit condition never comes true?)");
        }

        /** The same thread, in the same state, waiting on the same lock, with the same calls below the top frame. */
        private static boolean sameStack(ThreadInfo a, ThreadInfo b) {
            if (a.getThreadState() != b.getThreadState()) {
                return false;
            }
            if (!String.valueOf(a.getLockInfo()).equals(String.valueOf(b.getLockInfo()))) {
                return false;
            }
            StackTraceElement[] x = a.getStackTrace();
            StackTraceElement[] y = b.getStackTrace();
            if (x.length != y.length) {
                return false;
            }
            // A spinning thread moves between the lines of its loop, so the top frame's line may
            // differ; every caller below it must be the same call site.
            for (int i = 1; i < x.length; i++) {
                if (!x[i].equals(y[i])) {
                    return false;
                }
            }
            return x.length == 0 || x[0].getMethodName().equals(y[0].getMethodName());
        }

        private static String held(ThreadInfo info) {
            List<String> held = new ArrayList<>();
            for (MonitorInfo monitor : info.getLockedMonitors()) {
                held.add(monitor.toString());
            }
            for (LockInfo sync : info.getLockedSynchronizers()) {
                held.add(sync.toString());
            }
            return held.isEmpty() ? "" : " holds " + String.join(", ", held);
        }

        private static String where(ThreadInfo info, Predicate<StackTraceElement> ours) {
            return Arrays.stream(info.getStackTrace())
                    .filter(f -> !f.getClassName().startsWith("java."))
                    .filter(ours)
                    .findFirst()
                    .map(f -> " in " + shortName(f) + " (line " + f.getLineNumber() + ")")
                    .orElse("");
        }

        private static String shortName(StackTraceElement frame) {
            String cls = frame.getClassName();
            return cls.substring(cls.lastIndexOf('.') + 1) + "." + frame.getMethodName();
        }
    }
}
