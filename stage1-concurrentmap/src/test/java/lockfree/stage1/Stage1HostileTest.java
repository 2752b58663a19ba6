package lockfree.stage1;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HostileClientSuite;

class Stage1HostileTest extends HostileClientSuite {
    @Override
    protected Stage stage() {
        return Stage1Main.STAGE;
    }
}
