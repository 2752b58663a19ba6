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
 * HOW TO RUN (from the repository root; about 1.5 minutes: 4 trials x 2 forks x 10 s):
 *
 *   ./bench.sh stage1 Stage1_01            # -t 2: two threads; -t 4 oversubscribes 2 cores
 *
 * Results: docs/BENCHMARKS.md, rendered from the run that measures this same workload for every
 * stage, stage3-boxed and the limit at once (./bench.sh all); a ratio between stages is fair only
 * within one run, so no result is pasted here.
 */
public class Stage1_01_SessionTable extends SessionTableBenchmark {
    @Override
    protected SessionManager newManager() {
        return new ConcurrentMapSessionManager();
    }
}

