package lockfree.common.bench;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The session-table workload every stage is measured with: one harness, so that stage N's number
 * and stage 0's differ only in the {@link SessionManager} behind them.
 *
 * <p>A stage's benchmark is a subclass that says which manager to build ({@link #newManager()});
 * JMH generates the benchmark for the subclass from the {@code @Benchmark} method inherited here.
 * The cross-stage run in {@code benchmarks/} is one more subclass with the stage as a parameter.
 *
 * <p><b>The population.</b> {@code users} users (100,000 by default, the plan's scale), each logged
 * in on one session: {@code add} then {@code bind}, as the gateway does on login. At this size
 * the maps do not fit in a core's L2 cache, so a random lookup waits on memory; that is the
 * realistic case, and it shrinks the share of the time a lock can take.
 *
 * <p><b>One operation.</b> With probability {@code readPercent}% a {@code getByUserId} of a random
 * user (the broadcast and push path). Otherwise a re-login of a random user: a new session is
 * {@code add}ed and {@code bind}s the user, and the session it displaced is {@code remove}d, as
 * the kicked connection's close would do. So a "write" is one bind/remove pair (three map
 * updates) and the population stays constant. The score is the average time per operation of
 * one thread; with {@code -t N} threads the table's throughput is N / score.
 *
 * <p><b>What is shared and what is not.</b> Each thread has its own random stream and its own
 * session-id counter ({@link Client}), so the only shared state the threads meet is the session
 * manager under test. Sessions created by re-logins are allocated in the benchmark loop: the same
 * small allocation for every stage.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public abstract class SessionTableBenchmark {

    @Param({"100000"})
    public int users;

    /** 100: reads only (the read latency). 95 and 50: the rest are re-logins. 0: re-logins only (the write latency). */
    @Param({"100", "95", "50", "0"})
    public int readPercent;

    protected SessionManager sessions;

    /** The stage's session manager, empty. Called once per trial, after the parameters are set. */
    protected abstract SessionManager newManager();

    @Setup(Level.Trial)
    public void populate() {
        sessions = newManager();
        for (long uid = 1; uid <= users; uid++) {
            // Session ids 1..users; Client ids start far above, so they never collide.
            Session s = Session.detached(uid, uid);
            sessions.add(s);
            sessions.bind(s);
        }
        if (sessions.userCount() != users || sessions.size() != users) {
            throw new IllegalStateException("population failed: " + sessions.userCount() + " users, "
                    + sessions.size() + " sessions, expected " + users);
        }
    }

    /** One client thread: its random stream and the ids of the sessions it creates. */
    @State(Scope.Thread)
    public static class Client {
        private static final AtomicInteger THREADS = new AtomicInteger();

        /* Thread t numbers its sessions from (t + 1) * 2^40: disjoint from the population and
           from every other thread, without a shared counter. */
        long nextSessionId = (THREADS.incrementAndGet() + 1L) << 40;
        long x = System.nanoTime() | 1;

        /** xorshift64: a few cycles, no allocation, no shared seed. */
        long next() {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            return x;
        }
    }

    @Benchmark
    public Session getByUserIdMix(Client client) {
        long r = client.next();
        long uid = 1 + Math.floorMod(r, users);
        if (Math.floorMod(r >>> 40, 100) < readPercent) {
            return sessions.getByUserId(uid);
        }
        // Re-login: the new connection binds, the displaced one closes.
        Session fresh = Session.detached(client.nextSessionId++, uid);
        sessions.add(fresh);
        Session kicked = sessions.bind(fresh);
        if (kicked != null) {
            sessions.remove(kicked);
        }
        return kicked;
    }
}
