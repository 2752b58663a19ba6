package lockfree.stage3;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.GatewayEndToEndSuite;

class Stage3EndToEndTest extends GatewayEndToEndSuite {
    @Override
    protected Stage stage() {
        return Stage3Main.STAGE;
    }
}
