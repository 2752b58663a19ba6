package lockfree.exercises.ex09_mpsc_ring;

import lockfree.exercises.support.Races;
import org.junit.jupiter.api.Test;

/**
 * The thorough check: the quick check's races ({@link MpscRingTest}), each through many more
 * interleavings. Run once the quick check passes.
 */
class MpscRingThoroughTest {
    /** Interleavings per race. */
    private static final int INVOCATIONS = 400;

    @Test
    void twoProducersAndTheConsumerLoseNothingAndKeepOrder() {
        Races.check(INVOCATIONS, MpscRingTest::twoProducersAndTheConsumerLoseNothingAndKeepOrderRace);
    }

    @Test
    void aPollRacingTheOfferThatRefillsItsSlotGetsTheOldElement() {
        Races.check(INVOCATIONS, MpscRingTest::aPollRacingTheOfferThatRefillsItsSlotGetsTheOldElementRace);
    }

    @Test
    void aSlotPolledWhileItsProducerPublishesIsFreeOneLapLater() {
        Races.check(INVOCATIONS, MpscRingTest::aSlotPolledWhileItsProducerPublishesIsFreeOneLapLaterRace);
    }

    @Test
    void twoProducersRacingForTheLastSlotOneWins() {
        Races.check(INVOCATIONS, MpscRingTest::twoProducersRacingForTheLastSlotOneWinsRace);
    }
}
