package lockfree.common.contract;

import lockfree.common.SendQueue;
import lockfree.common.SessionManager;
import lockfree.common.testkit.SynchronizedStage;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model checker's teeth: every planted bug of {@link BrokenSessionManagers} and
 * {@link BrokenSendQueues} is rejected by the same checks every stage runs
 * ({@link ModelCheckContract}), and a plain correct implementation passes them (so a rejection
 * is about the bug, not about the kit rejecting everything). The named races run first, so each
 * rejection comes from the fixed scenario that shows that bug, within a few seconds.
 */
class ModelCheckTeethTest {

    /** The fixture stage: every method synchronized. Correct, so it must pass. */
    @Nested
    class CorrectFixturePasses extends ModelCheckContract {
        @Override
        protected SessionManager newManager() {
            return new SynchronizedStage.Sessions();
        }

        @Override
        protected SendQueue.Factory queues() {
            return SynchronizedStage.Queue::new;
        }
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
    @Timeout(60)
    void unconditionalRemoveIsRejected() {
        rejected(BrokenSessionManagers.UnconditionalRemove::new, SessionManagerModel.Race.CONDITIONAL_REMOVE);
    }

    @Test
    @Timeout(60)
    void getThenPutBindIsRejected() {
        rejected(BrokenSessionManagers.GetThenPutBind::new, SessionManagerModel.Race.TWO_LOGINS_OF_ONE_USER);
    }

    @Test
    @Timeout(60)
    void checkThenBindIsRejected() {
        rejected(BrokenSessionManagers.CheckThenBind::new, SessionManagerModel.Race.BIND_RACES_OWN_REMOVE);
    }

    @ParameterizedTest(name = "by {0}")
    @EnumSource(value = SessionManagerModel.Race.class,
            names = {"LOOKUP_DURING_RELOGIN", "WALK_DURING_RELOGIN", "KICK_OF_A_SESSION_REMOVED_AFTERWARDS"})
    @Timeout(60)
    void closedEntryFilterIsRejected(SessionManagerModel.Race race) {
        rejected(BrokenSessionManagers.ClosedEntryFilter::new, race);
    }

    @Test
    @Timeout(60)
    void drainFlagClearedLateIsRejected() {
        rejected(BrokenSendQueues.DrainFlagClearedLate::new, SendQueueModel.Race.OFFER_DURING_DRAIN);
    }

    @Test
    @Timeout(60)
    void workCounterResetToZeroIsRejected() {
        rejected(BrokenSendQueues.WorkCounterResetToZero::new, SendQueueModel.Race.OFFER_DURING_DRAIN);
    }
}
