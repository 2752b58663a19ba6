package lockfree.stage2;

import lockfree.common.contract.Stage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Stage2MainTest {

    @Test
    void defaultStageUsesThirtyTwoShards() {
        assertEquals("stage2-sharded", Stage2Main.STAGE.name());
        assertEquals(32, ((ShardedSessionManager) Stage2Main.STAGE.sessions().get()).shardCount());
    }

    @Test
    void shardCountFromTheCommandLineReachesTheSessionManager() {
        Stage stage = Stage2Main.stage(64);
        assertEquals(64, ((ShardedSessionManager) stage.sessions().get()).shardCount());
    }

    @Test
    void badShardCountIsRejectedBeforeTheGatewayStarts() {
        assertThrows(IllegalArgumentException.class, () -> Stage2Main.stage(48));
    }
}
