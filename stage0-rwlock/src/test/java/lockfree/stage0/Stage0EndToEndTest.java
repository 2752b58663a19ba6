package lockfree.stage0;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.GatewayEndToEndSuite;

class Stage0EndToEndTest extends GatewayEndToEndSuite {
    @Override
    protected Stage stage() {
        return Stage0Main.STAGE;
    }
}
