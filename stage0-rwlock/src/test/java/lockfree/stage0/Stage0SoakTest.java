package lockfree.stage0;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.SoakSuite;

class Stage0SoakTest extends SoakSuite {
    @Override
    protected Stage stage() {
        return Stage0Main.STAGE;
    }
}
