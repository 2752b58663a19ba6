package lockfree.stage3;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HttpFramingSuite;

class Stage3HttpFramingTest extends HttpFramingSuite {
    @Override
    protected Stage stage() {
        return Stage3Main.STAGE;
    }
}
