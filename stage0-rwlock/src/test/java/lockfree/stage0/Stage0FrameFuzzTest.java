package lockfree.stage0;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.FrameFuzzSuite;

class Stage0FrameFuzzTest extends FrameFuzzSuite {
    @Override
    protected Stage stage() {
        return Stage0Main.STAGE;
    }
}
