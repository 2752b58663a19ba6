package lockfree.common.contract;

import lockfree.common.testkit.SynchronizedStage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static lockfree.common.contract.ModelCheckTeeth.rejected;

/**
 * The model checker's teeth: every planted bug of {@link BrokenSendQueues} is rejected by the
 * fixed race that shows it, the same scenario every stage runs in {@link ModelCheckContract}
 * (there with random scenarios on top), within a few seconds and for the right reason
 * ({@link ModelCheckTeeth}); and a plain correct implementation passes every race, so a rejection
 * is about the bug, not about a kit that rejects everything. The bound's planted bugs are proved
 * in {@code SendQueueContractTeethTest}, which runs in every build. The session managers' planted bugs
 * are written over the stage they break (stage 1's maps, stage 3's state machine), so their
 * teeth are proved there: {@code Stage1ModelCheckTeethTest}, {@code Stage3ModelCheckTeethTest}.
 *
 * <p>For maintainers ({@code -Pmaintainer}): it proves the kit, which every stage then runs in the
 * learner's build.
 */
@Tag("maintainer")
class ModelCheckTeethTest {

    /**
     * The control: the fixture stage (every method synchronized, so correct) passes every fixed
     * race, so a rejection below is about the planted bug, not a kit that rejects everything.
     * (SynchronizedStage is not a stage of the workshop; the stages run the whole kit, random
     * scenarios included, in their own Stage*ModelCheckTest.)
     */
    @Test
    void aCorrectManagerPassesEveryRace() {
        SessionManagerModel.checkRaces(SynchronizedStage.Sessions::new, List.of(SessionManagerModel.Race.values()));
    }

    @Test
    void aCorrectQueuePassesEveryRace() {
        SendQueueModel.checkRaces(SynchronizedStage.Queue::new, List.of(SendQueueModel.Race.values()));
    }

    @Test
    void drainFlagClearedLateIsRejected() {
        rejected(BrokenSendQueues.DrainFlagClearedLate::new, SendQueueModel.Race.OFFER_DURING_DRAIN);
    }

    @Test
    void workCounterResetToZeroIsRejected() {
        rejected(BrokenSendQueues.WorkCounterResetToZero::new, SendQueueModel.Race.OFFER_DURING_DRAIN);
    }
}
