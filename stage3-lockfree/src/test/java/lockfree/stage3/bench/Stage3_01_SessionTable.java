package lockfree.stage3.bench;

import lockfree.common.bench.SessionTableBenchmark;
import lockfree.common.contract.SessionManager;
import lockfree.stage3.LockFreeSessionManager;

/*
 * Stage 3: a lock-free, primitive-keyed map (JCTools NonBlockingHashMapLong) changed only by CAS.
 *
 * A lookup is a few plain and volatile loads: no lock word, no write to shared memory, and no
 * boxed Long (stages 0-2 box the key on every call). A re-login is a CAS on the user's slot that
 * installs the new session and yields the displaced one in the same step, so two writers never
 * wait for each other; one that loses a CAS retries with what it read.
 *
 * The plan predicts read latency -90%, write latency -85%, throughput 10-20x over the RWMutex.
 * Two things in this benchmark decide how much of that can show: at 100,000 users each lookup
 * waits on a cache miss that no map design removes, and on 2 cores at most two threads contend,
 * so the lock-word traffic that stage 0 pays grows only to two cores' worth. Part of any gain
 * here is the primitive key, not the absence of locks (see the stage README).
 *
 * Workload: common's SessionTableBenchmark, identical for every stage (read its comment).
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage3 Stage3_01 -t 1          # then -t 2; -t 4 oversubscribes this machine
 *
 * Results: not pasted here (a pasted number drifts from the next run). The cross-stage run of
 * this workload is rendered in docs/BENCHMARKS.md from its committed JSON.
 */
public class Stage3_01_SessionTable extends SessionTableBenchmark {
    @Override
    protected SessionManager newManager() {
        return new LockFreeSessionManager();
    }
}

