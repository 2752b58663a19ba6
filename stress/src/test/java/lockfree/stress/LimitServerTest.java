package lockfree.stress;

import lockfree.common.testkit.Patience;
import lockfree.common.testkit.RawClient;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limit target speaks what the tool's scenarios need, and delivers every message: the same
 * client the coordinator's workers run, against a limit server in this JVM. No speed is asserted.
 */
class LimitServerTest {
    private LimitServer server;

    @BeforeEach
    void start() {
        server = LimitServer.start(0, 2);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private WorkerSpec spec(int users, int msgs, Scenario scenario, double rate) throws Exception {
        return new WorkerSpec("127.0.0.1", server.port(), 1, users, msgs, scenario, rate, false,
                List.of(InetAddress.getByName("127.0.0.1")), 2, 50, Duration.ofSeconds(20), Duration.ofSeconds(20), 0, true);
    }

    @Test
    void unicastIsDeliveredAndAckedMessageForMessage() throws Exception {
        WorkerResult r = StressEndToEndTest.runOne(spec(200, 5, Scenario.UNICAST, 2000));
        assertEquals(new Counts(1000, 1000, 0, 0, 1000, 1000), r.counts());
        assertEquals(1000, Latency.decode(r.latencyHistogram()).getTotalCount(), "every msg carried its send time");
        assertEquals(0, r.unexpectedFrames(), String.valueOf(r.firstFailure()));
    }

    @Test
    void aPushToAllReachesEveryUserOnEveryEventLoopAndIsAnsweredWithTheCount() throws Exception {
        WorkerResult r = StressEndToEndTest.runOne(spec(101, 3, Scenario.BROADCAST, 20));
        assertEquals(new Counts(303, 303, 0, 0, 3, 3), r.counts(), "3 pushes x 101 users, each push accepted by all 101");
        assertEquals(null, r.firstFailure());
    }

    @Test
    void idleUsersStayLoggedInAndLeaveWhenTheyClose() throws Exception {
        try (LoadWorker w = new LoadWorker(spec(30, 0, Scenario.IDLE, 1))) {
            assertEquals(30, w.connect());
            assertEquals(30, server.users());
        }
        long deadline = System.nanoTime() + Patience.seconds(10).toNanos();
        while (server.users() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertEquals(0, server.users(), "closed connections are forgotten");
    }

    @Test
    void aSendToNobodyIsAckedOfflineWithTheSendersId() throws Exception {
        CompletableFuture<String> ack = new CompletableFuture<>();
        LoadClient.Listener listener = new LoadClient.Listener() {
            @Override
            public void onMessage(LoadClient.Conn to, JsonNode data, long nowNanos) {
                ack.completeExceptionally(new AssertionError("nobody should get " + data));
            }

            @Override
            public void onAck(LoadClient.Conn from, JsonNode id, String status) {
                ack.complete(id + " " + status);
            }

            @Override
            public void onOther(LoadClient.Conn conn, JsonNode frame) {
                ack.completeExceptionally(new AssertionError("unexpected " + frame));
            }
        };
        try (LoadClient client = new LoadClient(new InetSocketAddress("127.0.0.1", server.port()), 1, listener)) {
            LoadClient.Conn c = client.open(7, InetAddress.getByName("127.0.0.1")).get(Patience.seconds(10).toMillis(), TimeUnit.MILLISECONDS);
            c.send("{\"op\":\"send\",\"to\":8,\"id\":\"a-1\",\"data\":{\"t\":1}}");
            assertEquals("\"a-1\" offline", ack.get(Patience.seconds(10).toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void healthAndTheOneCounterTheToolReadsAreServed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(0.0, GatewayProcess.metricSum(metrics.body(), "gateway_pushes_dropped_total"));
        assertTrue(metrics.body().contains("gateway_pushes_dropped_total 0\n"), metrics.body());
    }

    /**
     * HTTP/1.1 answers pipelined requests in the order they came. The limit answers a push from
     * another event loop's task, after the push has reached every loop, and a health check at
     * once: unless the health check waits for the push's answer, it overtakes it.
     */
    @Test
    void pipelinedRequestsAreAnsweredInTheOrderSent() {
        String body = "{\"all\":true,\"data\":{\"n\":1}}";
        byte[] push = RawClient.request("POST", "/push", Map.of("Host", "127.0.0.1",
                "Content-Type", "application/json", "Content-Length", String.valueOf(body.length())), body);
        byte[] health = RawClient.request("GET", "/health", Map.of("Host", "127.0.0.1"), "");
        try (RawClient r = RawClient.connect(server.port(), Patience.seconds(10))) {
            r.write(push, health, push, health);
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RawClient.Response res = r.readResponse();
                answers.add(res.status() + " " + res.body());
            }
            assertEquals(List.of("202 {\"accepted\":0}", "200 ok", "202 {\"accepted\":0}", "200 ok"), answers);
        }
    }

    /** Each length form of RFC 6455's header (7-bit, 16-bit, 64-bit) reads back as the frame it was built as. */
    @Test
    void preEncodedFramesCarryAValidHeaderAtEveryLengthBoundary() {
        for (int size : new int[]{0, 80, 125 - 30, 126, 200, 65_535 - 30, 65_536, 70_000}) {
            byte[] data = ('"' + "x".repeat(size) + '"').getBytes(StandardCharsets.US_ASCII);
            ByteBuf frame = LimitFrames.msg(ByteBufAllocator.DEFAULT, 42, data, 0, data.length);
            EmbeddedChannel ch = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
            try {
                ch.writeInbound(frame);
                TextWebSocketFrame read = ch.readInbound();
                try {
                    assertEquals("{\"op\":\"msg\",\"from\":42,\"data\":\"" + "x".repeat(size) + "\"}", read.text(), "size " + size);
                    assertTrue(read.isFinalFragment());
                } finally {
                    read.release();
                }
                assertTrue(ch.inboundMessages().isEmpty(), "nothing left over at size " + size);
            } finally {
                ch.finishAndReleaseAll();
            }
        }
    }
}
