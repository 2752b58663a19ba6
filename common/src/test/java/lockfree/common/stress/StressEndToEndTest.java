package lockfree.common.stress;

import lockfree.common.Gateway;
import lockfree.common.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client half of the tool against a real gateway on loopback, in this JVM: a few hundred users,
 * every message accounted for. The gateway runs {@link lockfree.common.testkit.SynchronizedStage}; the stages run the same tool
 * against their own gateways with {@code ./stress.sh}. No speed is asserted, only correctness.
 */
@Timeout(60)
class StressEndToEndTest {
    private Gateway gateway;

    @BeforeEach
    void start() {
        gateway = Gateway.start(lockfree.common.testkit.SynchronizedStage.STAGE, GatewayConfig.defaults().withPort(0)
                .withRateLimitPerSecond(1_000_000).withMaxConnections(1000));
    }

    @AfterEach
    void stop() {
        gateway.stop();
    }

    private WorkerSpec spec(int users, int msgs, Scenario scenario, double rate, boolean closedLoop) throws Exception {
        return new WorkerSpec("127.0.0.1", gateway.port(), 1, users, msgs, scenario, rate, closedLoop,
                List.of(InetAddress.getByName("127.0.0.1")), 2, 50, Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofSeconds(10));
    }

    @Test
    void unicastTwoHundredUsersTimesFiveMessagesLosesNothing() throws Exception {
        WorkerResult r = runOne(spec(200, 5, Scenario.UNICAST, 2000, false));
        assertEquals(200, r.connected());
        assertEquals(0, r.connectFailures());
        Counts c = r.counts();
        assertEquals(1000, c.sent());
        assertEquals(1000, c.answers(), "every send was acked");
        assertEquals(0, c.lost());
        assertEquals(0, c.extra());
        assertEquals(c.sent() - c.dropped(), c.delivered());
        assertEquals(c.delivered(), Latency.decode(r.latencyHistogram()).getTotalCount(), "one latency per delivery");
        assertEquals(200, Latency.decode(r.connectHistogram()).getTotalCount(), "one connect time per user");
        assertEquals(0, r.unexpectedFrames());
        assertFalse(r.stoppedEarly());
        assertEquals(1000, gateway.metrics().messagesIn() - 200, "the gateway saw 200 logins and 1000 sends");
    }

    @Test
    void closedLoopSendsEachUsersNextMessageOnItsAck() throws Exception {
        WorkerResult r = runOne(spec(50, 4, Scenario.UNICAST, 1, true));
        assertEquals(200, r.counts().sent());
        assertEquals(200, r.counts().delivered() + r.counts().dropped());
        assertEquals(0, r.counts().lost());
    }

    @Test
    void broadcastReachesEveryUserWithEveryPush() throws Exception {
        WorkerResult r = runOne(spec(100, 3, Scenario.BROADCAST, 20, false));
        Counts c = r.counts();
        assertEquals(300, c.sent(), "3 pushes x 100 users");
        assertEquals(3, c.requests());
        assertEquals(3, c.answers());
        assertEquals(0, c.lost());
        assertEquals(300, c.delivered() + c.dropped());
        assertNull(r.firstFailure());
    }

    @Test
    void idleHoldsTheConnectionsAndSendsNothing() throws Exception {
        try (LoadWorker w = new LoadWorker(spec(30, 5, Scenario.IDLE, 1, false))) {
            assertEquals(30, w.connect());
            assertEquals(30, gateway.sessions().userCount());
            WorkerResult r = w.run();
            assertEquals(Counts.ZERO, r.counts());
        }
    }

    @Test
    void usersTheGatewayRefusesAreReportedNotCounted() throws Exception {
        gateway.stop();
        gateway = Gateway.start(lockfree.common.testkit.SynchronizedStage.STAGE, GatewayConfig.defaults().withPort(0).withMaxConnections(10));
        try (LoadWorker w = new LoadWorker(spec(15, 1, Scenario.IDLE, 1, false))) {
            assertEquals(10, w.connect());
            WorkerResult r = w.run();
            assertEquals(5, r.connectFailures());
            assertTrue(r.firstFailure().contains("503"), r.firstFailure());
        }
    }

    private static WorkerResult runOne(WorkerSpec spec) throws Exception {
        try (LoadWorker w = new LoadWorker(spec)) {
            assertEquals(spec.users(), w.connect());
            return w.run();
        }
    }
}
