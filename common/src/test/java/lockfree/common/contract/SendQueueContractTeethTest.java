package lockfree.common.contract;

import lockfree.common.testkit.SynchronizedStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The teeth of the contract's bound test: a queue that lets its count and its storage disagree
 * while a drain takes messages ({@link BrokenSendQueues.CountedAfterTake}, the bug the benchmarks'
 * limit queue once had) is rejected, and the fixture queue (every method synchronized) is not.
 */
class SendQueueContractTeethTest {

    @Test
    @Timeout(60)
    void aQueueThatCountsAfterItTakesIsRejected() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> SendQueueContract.assertBoundHoldsWhileDraining(BrokenSendQueues.CountedAfterTake::new));
        assertTrue(e.getMessage().contains("while nothing could be written"),
                "rejected for another reason than the bound: " + e.getMessage());
    }

    @Test
    @Timeout(60)
    void aCorrectQueuePasses() {
        assertDoesNotThrow(() -> SendQueueContract.assertBoundHoldsWhileDraining(SynchronizedStage.Queue::new));
    }
}
