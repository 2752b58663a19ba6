package lockfree.stress;

import lockfree.common.testkit.Patience;
import lockfree.common.transport.GatewayConfig;
import lockfree.common.testkit.RedisServer;
import lockfree.common.testkit.SynchronizedStage;
import lockfree.common.transport.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client half of the tool against a real gateway on loopback, in this JVM: a few hundred users,
 * every message accounted for. The gateway runs {@link lockfree.common.testkit.SynchronizedStage}; the stages run the same tool
 * against their own gateways with {@code ./stress.sh}. No speed is asserted, only correctness.
 */
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
        return spec(gateway, 1, users, msgs, scenario, rate, closedLoop, 0, true);
    }

    private static WorkerSpec spec(Gateway to, long firstUid, int users, int msgs, Scenario scenario, double rate,
                                   boolean closedLoop, long uidSpace, boolean pusher) throws Exception {
        return new WorkerSpec("127.0.0.1", to.port(), firstUid, users, msgs, scenario, rate, closedLoop,
                List.of(InetAddress.getByName("127.0.0.1")), 2, 50, Duration.ofSeconds(20), Duration.ofSeconds(20),
                uidSpace, pusher);
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
            w.round(5, 30);
            assertEquals(Counts.ZERO, w.result().counts());
        }
    }

    @Test
    void usersTheGatewayRefusesAreReportedNotCounted() throws Exception {
        gateway.stop();
        gateway = Gateway.start(lockfree.common.testkit.SynchronizedStage.STAGE, GatewayConfig.defaults().withPort(0).withMaxConnections(10));
        try (LoadWorker w = new LoadWorker(spec(15, 1, Scenario.IDLE, 1, false))) {
            assertEquals(10, w.connect());
            WorkerResult r = w.result();
            assertEquals(5, r.connectFailures());
            assertTrue(r.firstFailure().contains("503"), r.firstFailure());
        }
    }

    @Test
    void aWarmUpRoundIsForgottenOnceItHasSettled() throws Exception {
        try (LoadWorker w = new LoadWorker(spec(20, 3, Scenario.UNICAST, 2000, false))) {
            assertEquals(20, w.connect());
            w.round(2, 20);
            assertTrue(Coordinator.awaitSettled(w::counts, Patience.seconds(10)));
            assertEquals(40, w.counts().sent());
            w.reset();
            w.round(3, 20);
            assertTrue(Coordinator.awaitSettled(w::counts, Patience.seconds(10)));
            WorkerResult r = w.result();
            assertEquals(60, r.counts().sent(), "only the measured round");
            assertEquals(r.counts().delivered(), Latency.decode(r.latencyHistogram()).getTotalCount());
            assertEquals(20, Latency.decode(r.connectHistogram()).getTotalCount(), "connect times survive the reset");
        }
    }

    /**
     * Two gateways joined by a real redis-server, a client JVM's worth of users on each: every
     * unicast picks among all 200 users, so most cross from one gateway to the other through
     * Redis, and one worker's push reaches both gateways' users. The coordinator's way of
     * settling, summing both workers' counts, is what tells that nothing was lost.
     */
    @Test
    void withTheRedisRouterUsersOfTwoGatewaysReachEachOther() throws Exception {
        withTwoJoinedGateways((a, b) -> {
            try (LoadWorker onA = new LoadWorker(spec(a, 1, 100, 5, Scenario.UNICAST, 2000, false, 200, true));
                 LoadWorker onB = new LoadWorker(spec(b, 101, 100, 5, Scenario.UNICAST, 2000, false, 200, false))) {
                Counts c = connectAndSettleOneRound(a, onA, b, onB, 5, 200);
                assertEquals(1000, c.sent());
                assertEquals(0, c.lost());
                assertEquals(1000, c.delivered() + c.dropped());
                assertTrue(onB.counts().delivered() > 0 && onA.counts().delivered() > 0);
                assertTrue(routerReceived(a) > 0 && routerReceived(b) > 0, "messages crossed through Redis both ways");
            }
        });
    }

    @Test
    void withTheRedisRouterOnePushReachesTheUsersOfEveryGateway() throws Exception {
        withTwoJoinedGateways((a, b) -> {
            try (LoadWorker pusher = new LoadWorker(spec(a, 1, 60, 3, Scenario.BROADCAST, 20, false, 100, true));
                 LoadWorker other = new LoadWorker(spec(b, 61, 40, 3, Scenario.BROADCAST, 20, false, 100, false))) {
                Counts c = connectAndSettleOneRound(a, pusher, b, other, 3, 100);
                assertEquals(new Counts(300, 300, 0, 0, 3, 3), c, "3 pushes x 100 users, all delivered");
                assertEquals(120, other.counts().delivered(), "the other gateway's 40 users got all 3 pushes");
                assertEquals(0, other.counts().sent(), "only one worker pushes");
            }
        });
    }

    private interface TwoGateways {
        void test(Gateway a, Gateway b) throws Exception;
    }

    /** Two in-process gateways joined by a redis-server of their own, stopped afterwards. */
    private static void withTwoJoinedGateways(TwoGateways test) throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            GatewayConfig joined = GatewayConfig.defaults().withPort(0).withRateLimitPerSecond(1_000_000)
                    .withMaxConnections(1000).withRedis(redis.uri());
            Gateway a = Gateway.start(SynchronizedStage.STAGE, joined);
            Gateway b = Gateway.start(SynchronizedStage.STAGE, joined);
            try {
                test.test(a, b);
            } finally {
                a.stop();
                b.stop();
            }
        }
    }

    /*
     * What the coordinator does with two client JVMs: connect both, wait for the subscriptions,
     * send one round from both, and read the sum of their counts until it settles.
     */
    private static Counts connectAndSettleOneRound(Gateway a, LoadWorker onA, Gateway b, LoadWorker onB, int msgs,
                                                   long audience) throws Exception {
        assertEquals(audience, onA.connect() + onB.connect(), "every user of both gateways logged in");
        awaitSubscribed(a, b, audience);
        onA.round(msgs, audience);
        onB.round(msgs, audience);
        Coordinator.CountsSource both = () -> onA.counts().plus(onB.counts());
        assertTrue(Coordinator.awaitSettled(both, Patience.seconds(20)),
                () -> "not settled: " + readQuietly(both) + "; gateway a: " + routerCounters(a) + "; gateway b: " + routerCounters(b));
        return both.read();
    }

    /* A login's channel is confirmed by Redis a moment after login_ok; the coordinator waits the same way. */
    private static void awaitSubscribed(Gateway a, Gateway b, long users) throws InterruptedException {
        long deadline = System.nanoTime() + Patience.seconds(10).toNanos();
        while (subscriptions(a) + subscriptions(b) < users) {
            assertTrue(System.nanoTime() < deadline, "users not subscribed in Redis within 10 s");
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static long subscriptions(Gateway g) {
        return (long) GatewayProcess.metricSum(g.metrics().scrape(), "gateway_router_subscriptions");
    }

    /* What the gateway itself says about messages it could not pass on: the story of a lost one. */
    private static String routerCounters(Gateway g) {
        String metrics = g.metrics().scrape();
        return "unheard=" + (long) GatewayProcess.metricSum(metrics, "gateway_router_unheard_total")
                + " router_dropped=" + (long) GatewayProcess.metricSum(metrics, "gateway_router_dropped_total")
                + " pushes_dropped=" + (long) GatewayProcess.metricSum(metrics, "gateway_pushes_dropped_total");
    }

    private static long routerReceived(Gateway g) {
        return (long) GatewayProcess.metricSum(g.metrics().scrape(), "gateway_router_received_total");
    }

    private static String readQuietly(Coordinator.CountsSource counts) {
        try {
            return counts.read().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /* One worker, as the coordinator drives it: connect, one round, wait until it settles. (LimitServerTest too.) */
    static WorkerResult runOne(WorkerSpec spec) throws Exception {
        try (LoadWorker w = new LoadWorker(spec)) {
            assertEquals(spec.users(), w.connect());
            w.round(spec.msgs(), spec.users());
            assertTrue(Coordinator.awaitSettled(w::counts, Patience.seconds(10)), () -> "not settled: " + w.counts());
            return w.result();
        }
    }
}
