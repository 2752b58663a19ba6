package lockfree.stage3;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HostileClientSuite;

class Stage3HostileTest extends HostileClientSuite {
    @Override
    protected Stage stage() {
        return Stage3Main.STAGE;
    }
}
