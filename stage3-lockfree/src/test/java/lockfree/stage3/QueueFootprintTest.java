package lockfree.stage3;

import lockfree.stage3.bench.QueueFootprint;
import lockfree.stage3.bench.QueueFootprint.Row;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ArrayBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory claim of stage 3's queue: an idle session does not hold a 1024-slot array. */
class QueueFootprintTest {

    private final long stage0 = QueueFootprint.retained(new ArrayBlockingQueue<>(QueueFootprint.CAPACITY));
    private final Row stage3 = QueueFootprint.sendQueueRow();

    @Test
    void anEmptyQueueRetainsLessThanAQuarterOfStage0s() {
        assertTrue(stage3.empty() * 4 < stage0,
                "MpscSendQueue(1024) empty: " + stage3.empty() + " B, ArrayBlockingQueue(1024): " + stage0 + " B");
    }

    /* A session that was busy once and is idle again: the chunks the burst needed are garbage. */
    @Test
    void afterABurstTheQueueIsBackToOneChunk() {
        assertTrue(stage3.full() > 4 * stage3.empty(), "a full queue holds its chunks: " + stage3.full() + " B");
        assertEquals(stage3.empty(), stage3.afterBurst(), "drained chunks are unreachable");
    }
}
