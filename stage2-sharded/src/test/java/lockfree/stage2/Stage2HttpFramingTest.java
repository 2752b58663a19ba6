package lockfree.stage2;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HttpFramingSuite;

class Stage2HttpFramingTest extends HttpFramingSuite {
    @Override
    protected Stage stage() {
        return Stage2Main.STAGE;
    }
}
