package lockfree.stage2;

import lockfree.common.cli.GatewayMain;
import lockfree.common.contract.Stage;

/**
 * Runs the gateway with stage 2's session manager and send queue; flags as for every stage. The
 * shard count is the one setting only this stage has, so it is a system property rather than a
 * flag of the shared command line: {@code java -Dstage2.shards=64 -jar ...}.
 */
public final class Stage2Main {
    public static final Stage STAGE = stage(ShardedSessionManager.DEFAULT_SHARDS);

    private Stage2Main() {
    }

    /** Stage 2 with {@code shards} shards per session manager. */
    public static Stage stage(int shards) {
        ShardedSessionManager.requireValidShardCount(shards);
        return new Stage("stage2-sharded",
                shards + " shards, one StampedLock each; send queues drained in batches",
                () -> new ShardedSessionManager(shards), BatchingSendQueue::new);
    }

    public static void main(String[] args) {
        String shards = System.getProperty("stage2.shards", String.valueOf(ShardedSessionManager.DEFAULT_SHARDS));
        Stage stage;
        try {
            stage = stage(Integer.parseInt(shards.trim()));
        } catch (IllegalArgumentException e) {   // also NumberFormatException
            System.err.println("-Dstage2.shards=" + shards + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(GatewayMain.run(stage, args));
    }
}
