package lockfree.stage2;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.SoakSuite;

class Stage2SoakTest extends SoakSuite {
    @Override
    protected Stage stage() {
        return Stage2Main.STAGE;
    }
}
