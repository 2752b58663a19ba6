package lockfree.stage1;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.FrameFuzzSuite;

class Stage1FrameFuzzTest extends FrameFuzzSuite {
    @Override
    protected Stage stage() {
        return Stage1Main.STAGE;
    }
}
