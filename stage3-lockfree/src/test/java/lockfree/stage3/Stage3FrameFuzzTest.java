package lockfree.stage3;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.FrameFuzzSuite;

class Stage3FrameFuzzTest extends FrameFuzzSuite {
    @Override
    protected Stage stage() {
        return Stage3Main.STAGE;
    }
}
