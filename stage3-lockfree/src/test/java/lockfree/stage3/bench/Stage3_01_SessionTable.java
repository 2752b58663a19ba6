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
 * RESULT: see the end of this file (from the cross-stage run, docs/BENCHMARKS.md).
 */
public class Stage3_01_SessionTable extends SessionTableBenchmark {
    @Override
    protected SessionManager newManager() {
        return new LockFreeSessionManager();
    }
}

/*
 * RESULT, from the cross-stage run that runs this same workload for all four stages
 * (./bench.sh all, 2026-11-24 04:50-05:08 UTC, 2-vCPU AMD EPYC VM, OpenJDK 17.0.15, JMH 1.37,
 * 2 forks x 3 x 1 s; load average 13-24 from other builds: indicative only, read the errors).
 * Ratios to the other stages and the reasons: docs/BENCHMARKS.md.
 *
 *   reads  threads        ns/op
 *    100%        1       121 ± 83
 *    100%        2       772 ± 179
 *    100%        4       595 ± 469   (4 threads oversubscribe 2 cores)
 *     95%        1       485 ± 166
 *     95%        2      4087 ± 4238
 *     95%        4      4843 ± 3205
 *     50%        1      3862 ± 1875
 *     50%        2     18781 ± 10855
 *     50%        4     24897 ± 11034
 *      0%        1     11645 ± 11548
 *      0%        2     21147 ± 21291
 *      0%        4     46774 ± 43397
 */
