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
 * HOW TO RUN (from the repository root; about 1.5 minutes: 4 trials x 2 forks x 10 s):
 *
 *   ./bench.sh stage0 Stage0_01            # -t 2: two threads; -t 4 oversubscribes 2 cores
 *
 * Results: docs/BENCHMARKS.md, rendered from the run that measures this same workload for every
 * stage, stage3-boxed and the limit at once (./bench.sh all); a ratio between stages is fair only
 * within one run, so no result is pasted here.
 */
public class Stage0_01_SessionTable extends SessionTableBenchmark {
    @Override
    protected SessionManager newManager() {
        return new RwLockSessionManager();
    }
}

