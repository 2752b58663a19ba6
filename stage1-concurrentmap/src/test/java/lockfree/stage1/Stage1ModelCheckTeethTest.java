package lockfree.stage1;

import lockfree.common.contract.SessionManagerModel.Race;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static lockfree.common.contract.ModelCheckTeeth.rejected;

/**
 * The model checker's teeth on stage 1's design: each planted bug of
 * {@link BrokenConcurrentMapManagers} is rejected by the fixed race that shows it, the scenario
 * {@link Stage1ModelCheckTest} explores in every run. (The kit's control, a correct manager
 * passing every race, is common's {@code ModelCheckTeethTest}.)
 *
 * <p>For maintainers ({@code -Pmaintainer}): it proves the kit, which the stage then runs in the
 * learner's build.
 */
@Tag("maintainer")
class Stage1ModelCheckTeethTest {

    @Test
    void unconditionalRemoveIsRejected() {
        rejected(BrokenConcurrentMapManagers.UnconditionalRemove::new, Race.CONDITIONAL_REMOVE);
    }

    @Test
    void getThenPutBindIsRejected() {
        rejected(BrokenConcurrentMapManagers.GetThenPutBind::new, Race.TWO_LOGINS_OF_ONE_USER);
    }

    @Test
    void checkThenBindIsRejected() {
        rejected(BrokenConcurrentMapManagers.CheckThenBind::new, Race.BIND_RACES_OWN_REMOVE);
    }
}
