package lockfree.stage3;

import lockfree.common.contract.SessionManagerModel.Race;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static lockfree.common.contract.ModelCheckTeeth.rejected;

/**
 * The model checker's teeth on stage 3's design: the closed-entry filter
 * ({@link ClosedEntryFilter}) is rejected by each of the three re-login races that
 * {@link Stage3ModelCheckTest} explores in every run. (The kit's control, a correct manager
 * passing every race, is common's {@code ModelCheckTeethTest}.)
 *
 * <p>For maintainers ({@code -Pmaintainer}): it proves the kit, which the stage then runs in the
 * learner's build.
 */
@Tag("maintainer")
class Stage3ModelCheckTeethTest {

    @ParameterizedTest(name = "by {0}")
    @EnumSource(value = Race.class,
            names = {"LOOKUP_DURING_RELOGIN", "WALK_DURING_RELOGIN", "KICK_OF_A_SESSION_REMOVED_AFTERWARDS"})
    void closedEntryFilterIsRejected(Race race) {
        rejected(ClosedEntryFilter::new, race);
    }
}
