package lockfree.stage1;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HttpFramingSuite;

class Stage1HttpFramingTest extends HttpFramingSuite {
    @Override
    protected Stage stage() {
        return Stage1Main.STAGE;
    }
}
