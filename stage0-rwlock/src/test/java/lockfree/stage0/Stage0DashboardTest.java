package lockfree.stage0;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.DashboardSuite;

class Stage0DashboardTest extends DashboardSuite {
    @Override
    protected Stage stage() {
        return Stage0Main.STAGE;
    }
}
