package lockfree.stage2.bench;

import lockfree.common.contract.Session;
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

import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/*
 * Which lock should guard one shard of stage 2's session map?
 *
 * Stage 0 guards its maps with one ReentrantReadWriteLock. Splitting the maps into 32 shards cuts
 * the number of threads that meet on any one lock, but a ReentrantReadWriteLock still makes every
 * READER write to shared memory: readLock() CASes the lock's state word (and keeps a per-thread
 * hold count), unlock() CASes it back. Two cores reading users of the same shard bounce that
 * cache line between them, even though neither changes anything.
 *
 * A StampedLock offers a third mode, the optimistic read: tryOptimisticRead() reads the state
 * word, the reader does its lookup with no lock held, and validate(stamp) re-reads the state word
 * to see whether a writer got in meanwhile. A reader that wrote nothing cannot slow down another
 * reader. The price: the lookup may run concurrently with a writer, so its result must be thrown
 * away when validate fails, and it may even throw (a HashMap being resized under it); both cases
 * fall back to a real read lock. See ShardedSessionManager.optimisticGet, which the stamped
 * shard below copies.
 *
 * The workload is the gateway's hot path: getByUserId for a random one of `users` logged-in
 * users, spread over `shards` shards by the same Fibonacci hash as the stage, with `readPercent`
 * of the operations reads and the rest re-logins (a put that swaps the user's session, which
 * takes the shard's write lock and so invalidates optimistic readers of that shard). shards=1 is
 * the "one global lock" of stage 0 with each kind of lock; shards=32 is stage 2. users=100000 is
 * the plan's scale, where a random lookup misses the caches and memory dominates; users=1000 fits
 * in cache and shows what the lock itself costs.
 *
 * Keys are boxed Longs in a HashMap in both variants, as in the stage, so both pay the same for
 * boxing and for the cache misses of a random lookup; the difference between the two methods is
 * the lock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class Stage2_01_ShardLock {

    /** 2^64 / golden ratio: the stage's shard hash. */
    static final long SPREAD = 0x9E3779B97F4A7C15L;

    /** 1,000 users fit in the CPU caches; 100,000 do not, and every lookup then waits on memory. */
    @Param({"1000", "100000"})
    int users;

    @Param({"1", "32"})
    int shards;

    @Param({"100", "95"})
    int readPercent;

    RwShard[] rw;
    StampedShard[] stamped;
    int shift;
    int mask;

    /** Two sessions per user, so that a write really changes the mapping. */
    Session[] first;
    Session[] second;

    @Setup(Level.Trial)
    public void fill() {
        rw = new RwShard[shards];
        stamped = new StampedShard[shards];
        for (int i = 0; i < shards; i++) {
            rw[i] = new RwShard();
            stamped[i] = new StampedShard();
        }
        mask = shards - 1;
        shift = 64 - Integer.numberOfTrailingZeros(shards);
        first = new Session[users + 1];
        second = new Session[users + 1];
        for (int uid = 1; uid <= users; uid++) {
            first[uid] = Session.detached(uid, uid);
            second[uid] = Session.detached(users + uid, uid);
            rw[shard(uid)].put(uid, first[uid]);
            stamped[shard(uid)].put(uid, first[uid]);
        }
    }

    int shard(long key) {
        return (int) (key * SPREAD >>> shift) & mask;
    }

    /** Each thread's own random stream: no shared state besides the map under test. */
    @State(Scope.Thread)
    public static class Dice {
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
    public Session readWriteLock(Dice dice) {
        long r = dice.next();
        long uid = 1 + Math.floorMod(r, users);
        RwShard shard = rw[shard(uid)];
        if (Math.floorMod(r >>> 40, 100) < readPercent) {
            return shard.get(uid);
        }
        return shard.put(uid, (r & 1) == 0 ? first[(int) uid] : second[(int) uid]);
    }

    @Benchmark
    public Session stampedOptimistic(Dice dice) {
        long r = dice.next();
        long uid = 1 + Math.floorMod(r, users);
        StampedShard shard = stamped[shard(uid)];
        if (Math.floorMod(r >>> 40, 100) < readPercent) {
            return shard.get(uid);
        }
        return shard.put(uid, (r & 1) == 0 ? first[(int) uid] : second[(int) uid]);
    }

    /** Stage 0's lock, one per shard. Every reader CASes the lock word twice. */
    static final class RwShard {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final HashMap<Long, Session> users = new HashMap<>();

        Session get(long uid) {
            lock.readLock().lock();
            try {
                return users.get(uid);
            } finally {
                lock.readLock().unlock();
            }
        }

        Session put(long uid, Session s) {
            lock.writeLock().lock();
            try {
                return users.put(uid, s);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** Stage 2's lock. A reader writes nothing unless a writer interferes. */
    static final class StampedShard {
        final StampedLock lock = new StampedLock();
        final HashMap<Long, Session> users = new HashMap<>();

        Session get(long uid) {
            long stamp = lock.tryOptimisticRead();
            if (stamp != 0) {
                try {
                    Session s = users.get(uid);
                    if (lock.validate(stamp)) {
                        return s;
                    }
                } catch (RuntimeException racedWithWriter) {
                    // retry under the read lock
                }
            }
            stamp = lock.readLock();
            try {
                return users.get(uid);
            } finally {
                lock.unlockRead(stamp);
            }
        }

        Session put(long uid, Session s) {
            long stamp = lock.writeLock();
            try {
                return users.put(uid, s);
            } finally {
                lock.unlockWrite(stamp);
            }
        }
    }

    /*
     * HOW TO RUN (from the repository root; about 5 minutes per thread count: 16 trials x 2 forks
     * x 10 s), as the committed results were made:
     *
     *   ./bench.sh stage2 Stage2_01 -t 1 -rf json -rff docs/bench/stage2-shard-lock-t1.json
     *   ./bench.sh stage2 Stage2_01 -t 2 -rf json -rff docs/bench/stage2-shard-lock-t2.json
     *
     * Use at most as many threads (-t) as the machine has cores: with more, the benchmark
     * measures the OS scheduler.
     *
     * Results: docs/bench/stage2-shard-lock-t1.json and -t2.json; which lock they made the stage
     * keep, and why, in stage2-sharded/README.md. No result is pasted here, so none can drift
     * from its JSON.
     */
}
