package lockfree.bench;

import lockfree.bench.limit.LimitSessionManager;
import lockfree.common.bench.SessionTableBenchmark;
import lockfree.common.contract.SessionManager;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The session-table workload of {@link SessionTableBenchmark}, once per stage, in one JMH run.
 *
 * <p>Each stage module runs the same workload on its own (StageN_01_SessionTable); this class
 * exists so that the four are measured by one harness, in one run, with their trials interleaved
 * in time, which on a shared machine is the only fair comparison. The stage is the first
 * parameter, so JMH runs stage0..stage3 back to back for each workload, and two more tables
 * beside them:
 * <ul>
 *   <li>{@code stage3-boxed}: {@link BoxedLockFreeSessionManager}, a lock-free map with boxed
 *       keys, which splits stage 3's two changes (lock-free, primitive keys) apart;</li>
 *   <li>{@code limit}: {@link LimitSessionManager}, the same work with no synchronisation and
 *       primitive keys. Correct at one thread only, so a trial with more threads fails at set-up
 *       (the cross-stage run passes {@code -p stage=} without it from 2 threads on).</li>
 * </ul>
 *
 * <p>HOW TO RUN (from the repository root): part of {@code ./bench.sh all} (about half an hour,
 * every workload); alone, at one thread, about 9 minutes with the run's 4 forks:
 * <pre>
 *   ./bench.sh jmh AllStages_01 -f 4 -wi 1 -i 3 -w 1s -r 1s
 *   ./bench.sh jmh AllStages_01 -f 4 -wi 1 -i 3 -w 1s -r 1s -t 2 -p stage=stage0,stage1,stage2,stage3,stage3-boxed
 * </pre>
 * Results: docs/BENCHMARKS.md, rendered from docs/bench/compare.json.
 */
public class AllStages_01_SessionTable extends SessionTableBenchmark {

    /** The tables that are safe under any number of threads. */
    static final String[] THREAD_SAFE = {"stage0", "stage1", "stage2", "stage3", "stage3-boxed"};

    @Param({"stage0", "stage1", "stage2", "stage3", "stage3-boxed", "limit"})
    public String stage;

    @Setup(Level.Trial)
    public void refuseUnsafeThreads(BenchmarkParams run) {
        if (stage.equals("limit") && run.getThreads() > 1) {
            throw new IllegalStateException("the limit table is not thread-safe: run it with -t 1, "
                    + "or leave it out with -p stage=" + String.join(",", THREAD_SAFE));
        }
    }

    @Override
    protected SessionManager newManager() {
        return switch (stage) {
            case "limit" -> new LimitSessionManager();
            case "stage3-boxed" -> new BoxedLockFreeSessionManager();
            default -> Stages.byName(stage).sessions().get();
        };
    }
}
