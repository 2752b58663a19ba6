package lockfree.stage0.bench;

import lockfree.common.bench.SessionTableBenchmark;
import lockfree.common.contract.SessionManager;
import lockfree.stage0.RwLockSessionManager;

/*
 * The baseline: the plan's RWMutex, in Java a ReentrantReadWriteLock over two HashMaps.
 *
 * The gateway's hot path is getByUserId: every push and every broadcast looks a user up. Under a
 * read lock readers do not exclude each other, so it is tempting to think they do not slow each
 * other down. They do: readLock().lock() is a CAS on the lock's one state word (plus a per-thread
 * hold count), and unlock() is another. Two cores reading at once both write that word, so its
 * cache line moves from one core to the other on every lookup, and a CAS that finds the line
 * elsewhere waits for it. The more reader threads, the more time goes into moving one line.
 * A writer (a re-login) additionally makes every reader wait until it is done.
 *
 * The workload is common's SessionTableBenchmark (read its comment): 100,000 users bound,
 * getByUserId of a random user, and 100% / 95% / 50% / 0% reads, the rest re-logins (add + bind +
 * remove the kicked session). Every other stage runs the same workload; their results are given as
 * a ratio to this one in docs/BENCHMARKS.md. Keys are boxed Longs here, as in stages 1 and 2:
 * each lookup allocates a Long (usually scalar-replaced by the JIT, not always).
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage0 -t 1          # then -t 2; -t 4 oversubscribes this 2-core machine
 *
 * The numbers below come from the cross-stage run (./bench.sh all), which runs this very workload
 * for all four stages in one JMH run; see docs/BENCHMARKS.md for machine, JDK, date and load.
 *
 * RESULT: see the end of this file.
 */
public class Stage0_01_SessionTable extends SessionTableBenchmark {
    @Override
    protected SessionManager newManager() {
        return new RwLockSessionManager();
    }
}

/*
 * RESULT, from the cross-stage run that runs this same workload for all four stages
 * (./bench.sh all, 2026-11-24 04:50-05:08 UTC, 2-vCPU AMD EPYC VM, OpenJDK 17.0.15, JMH 1.37,
 * 2 forks x 3 x 1 s; load average 13-24 from other builds: indicative only, read the errors).
 * Ratios to the other stages and the reasons: docs/BENCHMARKS.md.
 *
 *   reads  threads        ns/op
 *    100%        1       740 ± 1533
 *    100%        2      3511 ± 1892
 *    100%        4      8959 ± 11807   (4 threads oversubscribe 2 cores)
 *     95%        1       533 ± 257
 *     95%        2      7649 ± 6159
 *     95%        4      2760 ± 3714
 *     50%        1      1938 ± 1638
 *     50%        2     15970 ± 26287
 *     50%        4      8784 ± 8472
 *      0%        1      4966 ± 4344
 *      0%        2     17296 ± 19476
 *      0%        4     58225 ± 163214
 */
