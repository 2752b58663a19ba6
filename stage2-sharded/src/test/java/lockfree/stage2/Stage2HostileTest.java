package lockfree.stage2;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.HostileClientSuite;

class Stage2HostileTest extends HostileClientSuite {
    @Override
    protected Stage stage() {
        return Stage2Main.STAGE;
    }
}
