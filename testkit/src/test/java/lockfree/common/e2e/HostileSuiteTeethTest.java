package lockfree.common.e2e;

import lockfree.common.contract.Stage;
import lockfree.common.testkit.SynchronizedStage;
import lockfree.common.transport.BrokenTransports;
import lockfree.common.transport.Gateway;
import lockfree.common.transport.GatewayConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile suites' teeth: each known hole, planted into the real transport
 * ({@link BrokenTransports}), is rejected by the suite's case for it, for the reason that case
 * states; and the same cases pass on the real transport, so a rejection is about the hole, not a
 * case that fails everything. The cases run exactly as every stage runs them (on the test fixture
 * stage here: the transport is common's). About a minute in all, most of it the holes that only
 * show by a deadline passing (the flood's 20 s, the trickled upgrade, sessions that never go).
 *
 * <p>For maintainers ({@code -Pmaintainer}): it proves the hostile suites, which every stage
 * runs in the learner's build.
 */
@Tag("maintainer")
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
            return withHole(hole, stage(), config);
        }
    }

    private static final class FramingAgainst extends HttpFramingSuite {
        private final BrokenTransports hole;

        FramingAgainst(BrokenTransports hole) {
            this.hole = hole;
        }

        @Override
        protected Stage stage() {
            return SynchronizedStage.STAGE;
        }

        @Override
        protected Gateway startGateway(GatewayConfig config) {
            return withHole(hole, stage(), config);
        }
    }

    private static final class FuzzAgainst extends FrameFuzzSuite {
        private final BrokenTransports hole;

        FuzzAgainst(BrokenTransports hole) {
            this.hole = hole;
        }

        @Override
        protected Stage stage() {
            return SynchronizedStage.STAGE;
        }

        @Override
        protected Gateway startGateway(GatewayConfig config) {
            return withHole(hole, stage(), config);
        }
    }

    private static final class SoakAgainst extends SoakSuite {
        private final BrokenTransports hole;

        SoakAgainst(BrokenTransports hole) {
            this.hole = hole;
        }

        @Override
        protected Stage stage() {
            return SynchronizedStage.STAGE;
        }

        @Override
        protected Gateway startGateway(GatewayConfig config) {
            return withHole(hole, stage(), config);
        }
    }

    private static Gateway withHole(BrokenTransports hole, Stage stage, GatewayConfig config) {
        return hole == null ? Gateway.start(stage, config) : hole.start(stage, config);
    }

    private interface Case<S extends HostileFixture> {
        void run(S suite) throws Exception;
    }

    /** Runs one case of a suite, with its clean-up; returns what it failed with, or null if it passed. */
    private static <S extends HostileFixture> Throwable outcome(S suite, Case<S> c) throws Exception {
        try {
            c.run(suite);
            return null;
        } catch (AssertionError | RuntimeException failed) { // an assertion, or e.g. a read that timed out
            return failed;
        } finally {
            suite.stopEverything();
        }
    }


    private static <S extends HostileFixture> void rejected(BrokenTransports hole, S suite, Case<S> c, String because)
            throws Exception {
        Throwable failure = outcome(suite, c);
        assertNotNull(failure, "the hostile suite passed on a gateway whose " + hole);
        assertTrue(messages(failure).contains(because),
                hole + " was rejected for another reason than \"" + because + "\": " + failure);
    }

    private static void rejected(BrokenTransports hole, Case<HostileClientSuite> c, String because) throws Exception {
        rejected(hole, new Against(hole), c, because);
    }

    /** The failure's message and its causes': a suite may wrap what it found (the fuzzer names its input). */
    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
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

    @Test
    void requestsAfterAClosingResponseAreRejectedByTheFramingSuite() throws Exception {
        BrokenTransports hole = BrokenTransports.REQUESTS_DISPATCHED_AFTER_A_CLOSING_RESPONSE;
        rejected(hole, new FramingAgainst(hole), HttpFramingSuite::nothingAfterAClosingResponse,
                "the smuggled push was executed");
        rejected(hole, new FramingAgainst(hole), HttpFramingSuite::hostIsRequiredOnce, "says it closes");
    }

    @Test
    void closeCodesThatLieAreRejectedByTheFuzzer() throws Exception {
        BrokenTransports hole = BrokenTransports.CLOSES_ALWAYS_SAY_NORMAL;
        rejected(hole, new FuzzAgainst(hole), FrameFuzzSuite::fuzz, "closed with 1000, allowed");
    }

    @Test
    void sessionsThatLeakAreRejectedByTheSoak() throws Exception {
        BrokenTransports hole = BrokenTransports.SESSIONS_LEAK_ON_DISCONNECT;
        rejected(hole, new SoakAgainst(hole), s -> s.soak(Duration.ofSeconds(2)), "back to the canary's two");
    }

    /** The control: the same cases pass on the real transport. */
    @Test
    void theRealTransportPassesTheSameCases() throws Exception {
        for (Case<HostileClientSuite> c : List.<Case<HostileClientSuite>>of(
                HostileClientSuite::aClientThatDoesNotReadIsStoppedThenClosed,
                HostileClientSuite::onlyVersion13, HostileClientSuite::keepAliveDoesNotExtendTheHandshake,
                HostileClientSuite::originIsChecked)) {
            assertNull(outcome(new Against(null), c));
        }
        assertNull(outcome(new FramingAgainst(null), HttpFramingSuite::nothingAfterAClosingResponse));
        assertNull(outcome(new FramingAgainst(null), HttpFramingSuite::hostIsRequiredOnce));
        assertNull(outcome(new FuzzAgainst(null), FrameFuzzSuite::fuzz));
        assertNull(outcome(new SoakAgainst(null), s -> s.soak(Duration.ofSeconds(2))));
    }
}
