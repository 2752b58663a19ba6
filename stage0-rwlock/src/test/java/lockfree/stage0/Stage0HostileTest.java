package lockfree.stage0;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HostileClientSuite;

class Stage0HostileTest extends HostileClientSuite {
    @Override
    protected Stage stage() {
        return Stage0Main.STAGE;
    }
}
