package lockfree.common.contract;

import lockfree.common.testkit.SynchronizedStage;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static lockfree.common.contract.ModelCheckTeeth.rejected;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The teeth of the bound while a drain takes: the two queues that keep their count apart from
 * their storage ({@link BrokenSendQueues.CountedAfterTake}, {@link BrokenSendQueues.CountedFirst})
 * are rejected by {@link SendQueueModel.BoundRace#WHILE_A_DRAIN_TAKES}, and the fixture queue
 * (every method synchronized) passes it and the real-thread bound test.
 *
 * <p>The model checker, not real threads, shows these teeth: each queue is wrong only while a
 * producer's offer sits between two steps of a drain (the stack emptied and not yet counted, or
 * counted and not yet emptied), a window of a few instructions that real threads on a busy machine
 * miss in many runs. Lincheck runs the drain as one thread's operation and places the offers at
 * every step of it, so both are rejected on every run. Model checking takes seconds a learner
 * does not need on every build, so these run in the maintainers' ({@code -Pmaintainer}).
 */
class SendQueueContractTeethTest {

    /**
     * The interleaving: the drain's getAndSet empties the stack; before the drain counts the 3 it
     * took, the producer offers 4 and 5, reads a count of 0 and a stack of 0, then 1, and both are
     * accepted: 5 messages in a queue of 4.
     */
    @Test
    @Tag("maintainer")
    void aQueueThatCountsAfterItTakesIsRejected() {
        LincheckAssertionError e = rejected(BrokenSendQueues.CountedAfterTake::new, SendQueueModel.BoundRace.WHILE_A_DRAIN_TAKES);
        assertTrue(e.getMessage().contains("offer(5): true"), "rejected for accepting past the bound: " + e.getMessage());
    }

    /**
     * The interleaving: the producer's offer of 4 reads the stack (3 messages), the drain counts
     * those 3, and the offer then reads the count: it sees 6 of 4, and is refused with 3 queued.
     */
    @Test
    @Tag("maintainer")
    void aQueueThatCountsBeforeItTakesIsRejected() {
        LincheckAssertionError e = rejected(BrokenSendQueues.CountedFirst::new, SendQueueModel.BoundRace.WHILE_A_DRAIN_TAKES);
        assertTrue(e.getMessage().contains("offer(4): false"), "rejected for refusing below the bound: " + e.getMessage());
    }

    @Test
    @Tag("maintainer")
    void aCorrectQueuePassesTheBoundRaces() {
        SendQueueModel.checkBoundRaces(SynchronizedStage.Queue::new, List.of(SendQueueModel.BoundRace.values()));
    }

    @Test
    void aCorrectQueuePassesTheRealThreadBoundTest() {
        assertDoesNotThrow(() -> SendQueueContract.assertBoundExactWhileDraining(SynchronizedStage.Queue::new));
    }
}
