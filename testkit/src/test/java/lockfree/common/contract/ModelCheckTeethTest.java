package lockfree.common.contract;

import lockfree.common.testkit.SynchronizedStage;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model checker's teeth: every planted bug of {@link BrokenSessionManagers} and
 * {@link BrokenSendQueues} is rejected by the fixed race that shows it, the same scenario every
 * stage runs in {@link ModelCheckContract} (there with random scenarios on top), within a few
 * seconds and for the right reason (a result no order of the operations explains, or a stranded
 * message); and a plain correct implementation passes every race, so a rejection is about the
 * bug, not about a kit that rejects everything.
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

    /** Rejected by the race named in the broken variant's javadoc, run alone. */
    private static void rejected(Supplier<SessionManager> broken, SessionManagerModel.Race race) {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> SessionManagerModel.checkRaces(broken, List.of(race)));
        assertTrue(e.getMessage().contains("Invalid execution results"),
                "rejected for another reason than a result no order of the operations explains: " + e.getMessage());
    }

    private static void rejected(SendQueue.Factory broken, SendQueueModel.Race race) {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> SendQueueModel.checkRaces(broken, List.of(race)));
        assertTrue(e.getMessage().contains("stranded"), "rejected for another reason than a stranded message: " + e.getMessage());
    }

    @Test
    void unconditionalRemoveIsRejected() {
        rejected(BrokenSessionManagers.UnconditionalRemove::new, SessionManagerModel.Race.CONDITIONAL_REMOVE);
    }

    @Test
    void getThenPutBindIsRejected() {
        rejected(BrokenSessionManagers.GetThenPutBind::new, SessionManagerModel.Race.TWO_LOGINS_OF_ONE_USER);
    }

    @Test
    void checkThenBindIsRejected() {
        rejected(BrokenSessionManagers.CheckThenBind::new, SessionManagerModel.Race.BIND_RACES_OWN_REMOVE);
    }

    @ParameterizedTest(name = "by {0}")
    @EnumSource(value = SessionManagerModel.Race.class,
            names = {"LOOKUP_DURING_RELOGIN", "WALK_DURING_RELOGIN", "KICK_OF_A_SESSION_REMOVED_AFTERWARDS"})
    void closedEntryFilterIsRejected(SessionManagerModel.Race race) {
        rejected(BrokenSessionManagers.ClosedEntryFilter::new, race);
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
