package lockfree.stage1;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.GatewayEndToEndSuite;

/** The whole gateway with stage 1's session manager and send queue, over real sockets on loopback. */
class Stage1EndToEndTest extends GatewayEndToEndSuite {
    @Override
    protected Stage stage() {
        return Stage1Main.STAGE;
    }
}
