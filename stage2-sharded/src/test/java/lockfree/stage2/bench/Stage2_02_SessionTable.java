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
 * HOW TO RUN (from the repository root; about 2 minutes: 10 trials x 2 forks x 6.5 s), as the
 * committed result was made:
 *
 *   ./bench.sh stage2 Stage2_02 -t 2 -p readPercent=100,95 -f 2 -wi 2 -i 3 -w 1s -r 1s \
 *       -rf json -rff docs/bench/stage2-shards.json
 *
 * (All five shard counts at all four mixes, the file's defaults: ./bench.sh stage2 Stage2_02 -t 2,
 * about 6 minutes.) Results: docs/bench/stage2-shards.json, discussed in stage2-sharded/README.md
 * ("Measured: JMH"); no result is pasted here, so none can drift from its JSON.
 */
public class Stage2_02_SessionTable extends SessionTableBenchmark {

    @Param({"1", "4", "16", "32", "64"})
    public int shards;

    @Override
    protected SessionManager newManager() {
        return new ShardedSessionManager(shards);
    }
}

