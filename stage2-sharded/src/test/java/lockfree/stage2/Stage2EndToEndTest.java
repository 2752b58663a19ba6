package lockfree.stage2;

import lockfree.common.contract.Stage;
import lockfree.common.e2e.GatewayEndToEndSuite;

/** The whole gateway with stage 2's session manager and send queue, over real sockets on loopback. */
class Stage2EndToEndTest extends GatewayEndToEndSuite {
    @Override
    protected Stage stage() {
        return Stage2Main.STAGE;
    }
}
