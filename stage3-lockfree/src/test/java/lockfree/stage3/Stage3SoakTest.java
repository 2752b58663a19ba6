package lockfree.stage3;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.SoakSuite;

class Stage3SoakTest extends SoakSuite {
    @Override
    protected Stage stage() {
        return Stage3Main.STAGE;
    }
}
