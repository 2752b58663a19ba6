package lockfree.common.e2e;

import lockfree.common.contract.Stage;
import lockfree.common.routing.QueueBypassingRouter;
import lockfree.common.testkit.SynchronizedStage;
import lockfree.common.transport.Gateway;
import lockfree.common.transport.GatewayConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-to-end suite's order case has teeth: on a gateway whose broadcasts skip the send
 * queues ({@link QueueBypassingRouter}) it fails, for the order; on the shipped router it passes.
 * For maintainers ({@code -Pmaintainer}), as the other suites' teeth are.
 */
@Tag("maintainer")
class EndToEndOrderTeethTest {

    /** The suite on the test kit's fixture stage, with the router the test picks. */
    private static final class Suite extends GatewayEndToEndSuite {
        private final boolean bypass;

        Suite(boolean bypass) {
            this.bypass = bypass;
        }

        @Override
        protected Stage stage() {
            return SynchronizedStage.STAGE;
        }

        @Override
        protected Gateway startGateway(GatewayConfig config) {
            return bypass ? Gateway.start(stage(), config, QueueBypassingRouter::new) : super.startGateway(config);
        }
    }

    @Test
    void aBroadcastThatSkipsTheQueuesIsCaughtOutOfOrder() {
        Suite broken = new Suite(true);
        try {
            AssertionError e = assertThrows(AssertionError.class, broken::oneSendersMessagesKeepTheirOrderAcrossSendsAndBroadcasts,
                    "the order case passed on a gateway whose broadcasts skip the send queues");
            assertTrue(e.getMessage().contains("out of order"), "rejected for another reason: " + e);
        } finally {
            broken.stopEverything();
        }
    }

    @Test
    void theShippedRouterPassesTheSameCase() {
        Suite shipped = new Suite(false);
        try {
            shipped.oneSendersMessagesKeepTheirOrderAcrossSendsAndBroadcasts();
        } finally {
            shipped.stopEverything();
        }
    }
}
