package lockfree.stage1;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.SoakSuite;

class Stage1SoakTest extends SoakSuite {
    @Override
    protected Stage stage() {
        return Stage1Main.STAGE;
    }
}
