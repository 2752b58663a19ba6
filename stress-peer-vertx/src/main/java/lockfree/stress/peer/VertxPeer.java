package lockfree.stress.peer;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The stress tool's {@code vertx} peer (docs/STRESS.md, "Two peers"): what a Java team would
 * write instead of the gateway, on Vert.x with its defaults. A measurement fixture, not a gateway:
 * it speaks the part of docs/PROTOCOL.md the tool's scenarios use and nothing else.
 *
 * <p>WebSocket on {@code /ws}: {@code login} (any uid, no token) answered {@code login_ok};
 * {@code send} delivered as {@code msg} and, with an {@code id}, answered {@code ack} ok or
 * offline. HTTP: {@code POST /push} to a list of users or to all, answered
 * {@code 202 {"accepted":n}}; {@code GET /health}; {@code GET /metrics} with the one counter the
 * tool reads. Anything else on the WebSocket closes the connection, as the limit server does.
 *
 * <p>Vert.x's way to use every event loop with one server is to deploy the verticle that listens
 * once per loop: the instances share the port and Vert.x hands each new connection to the next.
 * The loop count is Vert.x's default ({@link VertxOptions#DEFAULT_EVENT_LOOP_POOL_SIZE}, twice the
 * cores, as Netty's default that the gateways run with). Everything else is Vert.x's default too:
 * its NIO transport, TCP_NODELAY on, no compression, its frame and message size limits.
 */
public final class VertxPeer extends VerticleBase {
    private static final String METRICS = "# The Vert.x peer keeps no bounded queue, so it never refuses a message.\n"
            + "gateway_pushes_dropped_total 0\n";

    /* uid -> the socket it logged in on, shared by the verticle instances (one per event loop).
       A ServerWebSocket may be written from any thread: Vert.x hands the write to the socket's
       own event loop. */
    private final Map<Long, ServerWebSocket> users;
    private final int port;

    VertxPeer(Map<Long, ServerWebSocket> users, int port) {
        this.users = users;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions())
                .webSocketHandler(this::onWebSocket)
                .requestHandler(this::onRequest)
                .listen(port, "127.0.0.1");
    }

    // ---- WebSocket: login and send ----------------------------------------------------------

    private void onWebSocket(ServerWebSocket ws) {
        if (!"/ws".equals(ws.path())) {
            ws.close();
            return;
        }
        long[] uid = {0}; // this connection's, touched only on its event loop
        ws.textMessageHandler(text -> {
            JsonObject m = parse(text);
            String op = m == null ? null : m.getValue("op") instanceof String s ? s : null;
            if ("send".equals(op) && uid[0] > 0 && isUid(m.getValue("to")) && m.containsKey("data")) {
                ServerWebSocket to = users.get(((Number) m.getValue("to")).longValue());
                if (to != null) {
                    to.writeTextMessage(new JsonObject().put("op", "msg").put("from", uid[0])
                            .put("data", m.getValue("data")).encode());
                }
                if (m.containsKey("id")) {
                    ws.writeTextMessage(new JsonObject().put("op", "ack").put("id", m.getValue("id"))
                            .put("status", to != null ? "ok" : "offline").encode());
                }
            } else if ("login".equals(op) && uid[0] == 0 && isUid(m.getValue("uid"))) {
                uid[0] = ((Number) m.getValue("uid")).longValue();
                ServerWebSocket before = users.put(uid[0], ws);
                if (before != null) {
                    before.close(); // one connection per user, as the gateways keep it
                }
                ws.writeTextMessage(new JsonObject().put("op", "login_ok").put("uid", uid[0])
                        .put("sid", Long.toString(uid[0])).encode());
            } else {
                ws.close(); // outside the subset the tool speaks: not a gateway, so no error frames
            }
        });
        ws.closeHandler(v -> {
            if (uid[0] > 0) {
                users.remove(uid[0], ws); // a re-login elsewhere has replaced it: keep that one
            }
        });
    }

    private static JsonObject parse(String text) {
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException notAnObject) {
            return null;
        }
    }

    private static boolean isUid(Object v) {
        return (v instanceof Long || v instanceof Integer) && ((Number) v).longValue() > 0;
    }

    // ---- HTTP: health, metrics, push ----------------------------------------------------------

    private void onRequest(HttpServerRequest req) {
        String path = req.path();
        switch (req.method().name() + ' ' + path) {
            case "GET /health" -> json(req, 200, "{\"status\":\"ok\",\"stage\":\"peer-vertx\",\"users\":" + users.size() + '}');
            case "GET /metrics" -> req.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(METRICS);
            case "POST /push" -> req.body().onSuccess(body -> push(req, body)).onFailure(e -> json(req, 400,
                    "{\"error\":\"bad_request\",\"msg\":\"unreadable body\"}"));
            default -> json(req, 404, "{\"error\":\"not_found\"}");
        }
    }

    private void push(HttpServerRequest req, Buffer body) {
        JsonObject p = parse(body.toString());
        Object to = p == null ? null : p.getValue("to");
        boolean all = p != null && Boolean.TRUE.equals(p.getValue("all"));
        if (p == null || !p.containsKey("data") || !(all || to instanceof JsonArray list && !list.isEmpty())) {
            json(req, 400, "{\"error\":\"bad_request\",\"msg\":\"a push is {\\\"to\\\":[uids],\\\"data\\\":...} "
                    + "or {\\\"all\\\":true,\\\"data\\\":...}\"}");
            return;
        }
        // Encoded once; every recipient gets the same text.
        String frame = new JsonObject().put("op", "msg").put("from", 0).put("data", p.getValue("data")).encode();
        int accepted = 0;
        if (all) {
            for (ServerWebSocket ws : users.values()) {
                ws.writeTextMessage(frame);
                accepted++;
            }
        } else {
            Set<Long> uids = new LinkedHashSet<>();
            for (Object uid : (JsonArray) to) {
                if (!isUid(uid)) {
                    json(req, 400, "{\"error\":\"bad_request\",\"msg\":\"to: positive uids\"}");
                    return;
                }
                uids.add(((Number) uid).longValue());
            }
            for (long uid : uids) {
                ServerWebSocket ws = users.get(uid);
                if (ws != null) {
                    ws.writeTextMessage(frame);
                    accepted++;
                }
            }
        }
        json(req, 202, "{\"accepted\":" + accepted + '}');
    }

    private static void json(HttpServerRequest req, int status, String body) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    // ---- its own JVM --------------------------------------------------------------------------

    /** {@code java -jar stress-peer-vertx.jar --port P}: what the stress tool runs. */
    public static void main(String[] args) throws Exception {
        int port = -1;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--port")) {
                port = Integer.parseInt(args[i + 1]);
            }
        }
        if (port < 0 || port > 65535) {
            System.err.println("usage: java -jar stress-peer-vertx.jar --port P");
            System.exit(2);
        }
        Vertx vertx = Vertx.vertx();
        Map<Long, ServerWebSocket> users = new ConcurrentHashMap<>();
        int loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        int p = port;
        vertx.deployVerticle(() -> new VertxPeer(users, p), new DeploymentOptions().setInstances(loops))
                .await(60, TimeUnit.SECONDS);
        // SIGTERM (the tool's stop) closes the servers and their sockets before the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
        }, "vertx-peer-shutdown"));
        System.out.println("vertx peer (Vert.x, " + loops + " event loops) listening on 127.0.0.1:" + port);
    }
}
