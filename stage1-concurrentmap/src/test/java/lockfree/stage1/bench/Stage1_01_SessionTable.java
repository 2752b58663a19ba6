package lockfree.stage1.bench;

import lockfree.common.bench.SessionTableBenchmark;
import lockfree.common.contract.SessionManager;
import lockfree.stage1.ConcurrentMapSessionManager;

/*
 * Stage 1: the two maps become ConcurrentHashMaps, Java's answer to the plan's sync.Map.
 *
 * A ConcurrentHashMap.get takes no lock and writes nothing: it reads the table array and the
 * bin's nodes with volatile (acquire) loads. Readers therefore do not move any cache line between
 * cores, and a lookup costs what the memory access costs. Writers lock one bin (the bin's first
 * node's monitor), so two re-logins contend only if their users hash to the same bin.
 *
 * The plan predicts read latency -70%, write latency +10%, throughput 2-3x against the RWMutex.
 * With 100,000 users a random lookup misses the per-core caches in every stage, and that miss
 * costs the same everywhere; what stage 1 removes is the lock word's traffic, so the gain should
 * grow with the number of reading threads rather than show at one thread.
 *
 * Workload: common's SessionTableBenchmark, identical for every stage (read its comment).
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage1 -t 1          # then -t 2; -t 4 oversubscribes this 2-core machine
 *
 * RESULT: see the end of this file (from the cross-stage run, docs/BENCHMARKS.md).
 */
public class Stage1_01_SessionTable extends SessionTableBenchmark {
    @Override
    protected SessionManager newManager() {
        return new ConcurrentMapSessionManager();
    }
}

/*
 * RESULT, from the cross-stage run that runs this same workload for all four stages
 * (./bench.sh all, 2026-11-24 04:50-05:08 UTC, 2-vCPU AMD EPYC VM, OpenJDK 17.0.15, JMH 1.37,
 * 2 forks x 3 x 1 s; load average 13-24 from other builds: indicative only, read the errors).
 * Ratios to the other stages and the reasons: docs/BENCHMARKS.md.
 *
 *   reads  threads        ns/op
 *    100%        1       453 ± 631
 *    100%        2       894 ± 1132
 *    100%        4      2438 ± 1399   (4 threads oversubscribe 2 cores)
 *     95%        1       286 ± 64
 *     95%        2      2483 ± 2739
 *     95%        4       739 ± 429
 *     50%        1      1724 ± 859
 *     50%        2      9514 ± 3980
 *     50%        4     13773 ± 13568
 *      0%        1      6330 ± 3601
 *      0%        2     14337 ± 16020
 *      0%        4     38903 ± 21381
 */
