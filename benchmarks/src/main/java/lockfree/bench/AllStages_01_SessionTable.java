package lockfree.bench;

import lockfree.common.bench.SessionTableBenchmark;
import lockfree.common.contract.SessionManager;
import org.openjdk.jmh.annotations.Param;

/**
 * The session-table workload of {@link SessionTableBenchmark}, once per stage, in one JMH run.
 *
 * <p>Each stage module runs the same workload on its own (StageN_01_SessionTable); this class
 * exists so that the four are measured by one harness, in one run, with their trials interleaved
 * in time, which on a shared machine is the only fair comparison. The stage is the first
 * parameter, so JMH runs stage0..stage3 back to back for each workload.
 */
public class AllStages_01_SessionTable extends SessionTableBenchmark {

    @Param({"stage0", "stage1", "stage2", "stage3"})
    public String stage;

    @Override
    protected SessionManager newManager() {
        return Stages.byName(stage).sessions().get();
    }
}
