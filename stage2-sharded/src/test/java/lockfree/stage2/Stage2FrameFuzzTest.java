package lockfree.stage2;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.FrameFuzzSuite;

class Stage2FrameFuzzTest extends FrameFuzzSuite {
    @Override
    protected Stage stage() {
        return Stage2Main.STAGE;
    }
}
