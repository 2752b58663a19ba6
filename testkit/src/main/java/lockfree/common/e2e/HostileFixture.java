package lockfree.common.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import lockfree.common.contract.Stage;
import lockfree.common.protocol.Tokens;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.RawClient;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import lockfree.common.transport.GatewayConfig;
import org.junit.jupiter.api.AfterEach;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static lockfree.common.e2e.GatewayEndToEndSuite.awaitOp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every hostile suite stands on: the stage under test, a gateway started with the test's
 * settings, a canary pair of users talking on it from the start, and the clients and gateways a
 * test opens, closed after it. {@link HostileClientSuite} (the promises of "Limits and abuse"),
 * {@link HttpFramingSuite} (HTTP/1.1 framing and smuggling), {@link FrameFuzzSuite} (RFC 6455
 * frames) and {@link SoakSuite} (mixed legal traffic) each extend it; a stage runs each with a
 * one-line subclass that names its {@link Stage}.
 */
public abstract class HostileFixture {
    static final Duration WAIT = GatewayEndToEndSuite.WAIT;
    static final long ALICE = 9001;
    static final long BOB = 9002;

    final List<Gateway> gateways = new ArrayList<>();
    final List<WsTestClient> clients = new ArrayList<>();
    final List<AutoCloseable> others = new ArrayList<>();
    Canary canary;

    /** The stage under test. */
    protected abstract Stage stage();

    /**
     * Starts every gateway of the suite. Only the suite's teeth test (HostileSuiteTeethTest) starts
     * something else: the real transport with one known hole (BrokenTransports).
     */
    protected Gateway startGateway(GatewayConfig config) {
        return Gateway.start(stage(), config);
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (canary != null) {
            canary.stop();
        }
        clients.forEach(WsTestClient::close);
        for (AutoCloseable c : others) {
            c.close();
        }
        gateways.forEach(Gateway::stop);
    }

    // ---- fixtures ------------------------------------------------------------------------

    /** A gateway with the test's settings, and the canary pair already talking on it. */
    Gateway start(UnaryOperator<GatewayConfig> tweak) {
        Gateway g = startGateway(tweak.apply(GatewayConfig.defaults().withPort(0)
                .withShutdownTimeout(Duration.ofSeconds(2))));
        gateways.add(g);
        String secret = g.config().secret();
        canary = new Canary(track(WsTestClient.connect(ws(g.port()))), track(WsTestClient.connect(ws(g.port()))),
                secret == null ? null : new Tokens(secret));
        return g;
    }

    static URI ws(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    static URI http(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    WsTestClient track(WsTestClient c) {
        clients.add(c);
        return c;
    }

    WsTestClient connect(Gateway g, WsTestClient.Options options) {
        return track(WsTestClient.connect(ws(g.port()), options));
    }

    RawClient raw(int port) {
        RawClient r = RawClient.connect(port);
        others.add(r);
        return r;
    }

    /** The end of every test: the canary lost nothing, and the gateway still answers /health. */
    void gatewaySurvived(int port) {
        canary.verify();
        Http.Response health = Http.get(http(port, "/health"));
        assertEquals(200, health.status(), health.body());
    }

    /**
     * Two users, one sending to the other every 50 ms with an id, for as long as the test runs.
     * {@link #verify()} stops the sender and checks that every message arrived, in order, and
     * that every one was acked ok.
     */
    static final class Canary {
        private final WsTestClient alice;
        private final WsTestClient bob;
        private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "canary");
            t.setDaemon(true);
            return t;
        });
        private final AtomicInteger sent = new AtomicInteger();
        private volatile Throwable failure;

        /** {@code tokens}: how the pair logs in to a gateway with a secret; null without one. */
        Canary(WsTestClient alice, WsTestClient bob, Tokens tokens) {
            this.alice = alice;
            this.bob = bob;
            alice.send(login(ALICE, tokens));
            bob.send(login(BOB, tokens));
            awaitOp(alice, "login_ok");
            awaitOp(bob, "login_ok");
            // The first message is sent here, before the test's attack begins, so the pair has
            // always crossed the gateway at least once: on a busy machine the sender's thread may
            // not get its first turn before a short test is over.
            sendNext();
            sender.scheduleAtFixedRate(() -> {
                try {
                    sendNext();
                } catch (Throwable t) {
                    failure = t;
                    throw t;
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
        }

        /*
         * Read, send, then publish n: not atomic, and it need not be, because one thread at a time
         * runs it. The constructor's call comes first, and handing the task to the executor orders
         * it before every run of the task; the runs themselves never overlap (a fixed-rate task
         * waits for its previous run). verify() reads sent on the test's thread only once the
         * sender has terminated, and awaitTermination orders every run before that read.
         */
        private void sendNext() {
            int n = sent.get() + 1;
            alice.send("{\"op\":\"send\",\"to\":" + BOB + ",\"data\":" + n + ",\"id\":" + n + "}");
            sent.set(n);
        }

        private static String login(long uid, Tokens tokens) {
            return "{\"op\":\"login\",\"uid\":" + uid + (tokens == null ? "" : ",\"token\":\""
                    + tokens.mint(uid, Instant.now().plusSeconds(600).getEpochSecond()) + '"') + "}";
        }

        void stop() {
            sender.shutdownNow();
        }

        void verify() {
            stop();
            try {
                assertTrue(sender.awaitTermination(Patience.seconds(5).toMillis(), TimeUnit.MILLISECONDS), "the canary's sender stopped");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (failure != null) {
                throw new AssertionError("the canary could not send", failure);
            }
            int n = sent.get();
            assertTrue(n > 0, "the canary sent something");
            for (int i = 1; i <= n; i++) {
                JsonNode msg = awaitOp(bob, "msg");
                assertEquals(i, msg.get("data").asInt(), "canary message " + i + " of " + n + " arrives, in order");
                JsonNode ack = awaitOp(alice, "ack");
                assertEquals(i, ack.get("id").asInt());
                assertEquals("ok", ack.get("status").asText(), "canary message " + i + " acked ok");
            }
        }
    }

}
