package lockfree.stage2.bench;

import lockfree.common.bench.SessionTableBenchmark;
import lockfree.common.contract.SessionManager;
import lockfree.stage2.ShardedSessionManager;
import org.openjdk.jmh.annotations.Param;

/*
 * Stage 2: N shards, each two HashMaps under one StampedLock, read optimistically. How many
 * shards?
 *
 * The plan picks 32 and predicts "lock contention down about 30-fold", read latency -60%, write
 * latency -50%, throughput 5-10x. Contention is what sharding divides: two threads meet on a
 * lock only if their keys land in the same shard, which for uniform keys happens 1 time in N.
 * But on a 2-core machine at most two threads run at once, so contention is already rare with a
 * few shards; beyond that, more shards only add memory (two maps and a lock each) and, for bind,
 * the cost of locking two shards. And since Stage2_01_ShardLock chose optimistic reads, a reader
 * writes nothing, so for pure reads the shard count should barely matter: the lock word is only
 * read. Writers are where shards help: a re-login locks only its shards, invalidating optimistic
 * readers of those shards alone.
 *
 * shards=1 is one global StampedLock: stage 0's structure with stage 2's lock. This class adds
 * the shard count to the shared workload (common's SessionTableBenchmark).
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh stage2 Stage2_02 -t 2 -p readPercent=95,0
 *
 * RESULT: see the end of this file.
 */
public class Stage2_02_SessionTable extends SessionTableBenchmark {

    @Param({"1", "4", "16", "32", "64"})
    public int shards;

    @Override
    protected SessionManager newManager() {
        return new ShardedSessionManager(shards);
    }
}

/*
 * RESULT (2026-11-24 05:14-05:22 UTC, 2-vCPU AMD EPYC VM, OpenJDK 17.0.15, JMH 1.37, -t 2, 2 forks x
 * 3 x 1 s, load average about 20 from other builds: indicative only). Discussed in the README.
 *
 *   reads  shards        ns/op
 *    100%       1      1299 ± 3938
 *    100%       4       450 ± 165
 *    100%      16      1170 ± 572
 *    100%      32      1360 ± 1205
 *    100%      64      2396 ± 1607
 *     95%       1      7290 ± 3851
 *     95%       4      5275 ± 4523
 *     95%      16      4579 ± 6851
 *     95%      32      5505 ± 5675
 *     95%      64      5848 ± 5161
 */
