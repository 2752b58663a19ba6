package lockfree.stage0;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HttpFramingSuite;

class Stage0HttpFramingTest extends HttpFramingSuite {
    @Override
    protected Stage stage() {
        return Stage0Main.STAGE;
    }
}
