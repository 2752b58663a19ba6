package lockfree.bench;

/**
 * The result columns of the cross-stage comparison beyond the four stages: what CompareStages
 * runs and what the docs tooling's tables show. No stage is loaded by naming them.
 */
final class Columns {
    /** The column of a result no stage can beat: no synchronisation, correct at one thread only. */
    static final String LIMIT = "limit";
    /** The send queues the comparison runs, and the columns of its send-queue table. */
    static final String[] QUEUES = {"stage0", "stage1", "stage2", "stage3", LIMIT};

    private Columns() {
    }
}
