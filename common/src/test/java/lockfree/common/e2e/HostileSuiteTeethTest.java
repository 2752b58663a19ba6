package lockfree.common.e2e;

import lockfree.common.contract.Stage;
import lockfree.common.testkit.SynchronizedStage;
import lockfree.common.transport.BrokenTransports;
import lockfree.common.transport.Gateway;
import lockfree.common.transport.GatewayConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile suite's teeth: each hole of issue 14, planted back into the real transport
 * ({@link BrokenTransports}), is rejected by the suite's case for it, for the reason that case
 * states; and the same cases pass on the real transport, so a rejection is about the hole, not a
 * case that fails everything. The cases run exactly as every stage runs them (on the test
 * fixture stage here: the transport is common's). About a minute in all, most of it the two
 * holes that only show by a deadline passing (the flood's 20 s, the trickled upgrade).
 */
class HostileSuiteTeethTest {

    /** The suite against the real transport (hole null) or one broken variant. */
    private static final class Against extends HostileClientSuite {
        private final BrokenTransports hole;

        Against(BrokenTransports hole) {
            this.hole = hole;
        }

        @Override
        protected Stage stage() {
            return SynchronizedStage.STAGE;
        }

        @Override
        protected Gateway startGateway(GatewayConfig config) {
            return hole == null ? super.startGateway(config) : hole.start(stage(), config);
        }
    }

    private interface Case {
        void run(HostileClientSuite suite) throws Exception;
    }

    /** Runs one case of the suite, with its clean-up; returns what it failed with, or null if it passed. */
    private static Throwable outcome(BrokenTransports hole, Case c) throws Exception {
        Against suite = new Against(hole);
        try {
            c.run(suite);
            return null;
        } catch (AssertionError | RuntimeException failed) { // an assertion, or e.g. a read that timed out
            return failed;
        } finally {
            suite.stopEverything();
        }
    }

    private static void rejected(BrokenTransports hole, Case c, String because) throws Exception {
        Throwable failure = outcome(hole, c);
        assertNotNull(failure, "the hostile suite passed on a gateway whose " + hole);
        assertTrue(String.valueOf(failure.getMessage()).contains(because),
                hole + " was rejected for another reason than \"" + because + "\": " + failure);
    }

    @Test
    void repliesThatBypassTheOutboundBudgetAreRejected() throws Exception {
        rejected(BrokenTransports.REPLIES_BYPASS_THE_OUTBOUND_BUDGET,
                HostileClientSuite::aClientThatDoesNotReadIsStoppedThenClosed, "kept a client that does not read");
    }

    @Test
    void preRfcHandshakesAreRejected() throws Exception {
        rejected(BrokenTransports.ACCEPTS_PRE_RFC_HANDSHAKES, HostileClientSuite::onlyVersion13, "but was: <101>");
    }

    @Test
    void aHandshakeDeadlineThatEndsAfterTheFirstRequestIsRejected() throws Exception {
        rejected(BrokenTransports.HANDSHAKE_DEADLINE_ENDS_AFTER_THE_FIRST_REQUEST,
                HostileClientSuite::keepAliveDoesNotExtendTheHandshake, "still open after the read timeout");
    }

    @Test
    void anUncheckedOriginIsRejected() throws Exception {
        rejected(BrokenTransports.ORIGIN_NOT_CHECKED, HostileClientSuite::originIsChecked, "http://evil.example");
    }

    /** The control: the same four cases pass on the real transport. */
    @Test
    void theRealTransportPassesTheSameCases() throws Exception {
        for (Case c : new Case[] {HostileClientSuite::aClientThatDoesNotReadIsStoppedThenClosed,
                HostileClientSuite::onlyVersion13, HostileClientSuite::keepAliveDoesNotExtendTheHandshake,
                HostileClientSuite::originIsChecked}) {
            assertNull(outcome(null, c));
        }
    }
}
