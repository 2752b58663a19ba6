package lockfree.common.transport;

import lockfree.common.contract.Stage;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.ErrorCode;
import lockfree.common.protocol.Protocol;
import lockfree.common.routing.Router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The HTTP side of the gateway, on the same port as the WebSocket: {@code POST /push} for
 * backends, {@code GET /metrics} for Prometheus, {@code GET /health}, {@code GET /api/info} (what
 * the page shows about this gateway) and the browser page itself ({@link StaticFiles}, {@code GET /}).
 * WebSocket upgrades on {@code /ws} never reach this handler; the protocol handler before it
 * takes them.
 */
@ChannelHandler.Sharable
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String API_KEY_HEADER = "X-Api-Key";
    private static final String JSON = "application/json; charset=utf-8";

    private final GatewayConfig config;
    private final Stage stage;
    private final GatewayMetrics metrics;
    private final Router router;
    private final boolean epoll;
    private final Supplier<String> health;
    private final StaticFiles staticFiles = new StaticFiles();

    /** @param health the /health body, built by the gateway, which alone knows whether it is stopping */
    HttpApiHandler(GatewayConfig config, Stage stage, GatewayMetrics metrics, Router router, boolean epoll,
                   Supplier<String> health) {
        this.config = config;
        this.stage = stage;
        this.metrics = metrics;
        this.router = router;
        this.epoll = epoll;
        this.health = health;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String path = new QueryStringDecoder(req.uri()).path();
        switch (path) {
            case "/push" -> {
                if (req.method() != HttpMethod.POST) {
                    notAllowed(ctx, "POST", keepAlive);
                } else {
                    push(ctx, req, keepAlive);
                }
            }
            case "/metrics" -> {
                if (req.method() != HttpMethod.GET) {
                    notAllowed(ctx, "GET", keepAlive);
                } else {
                    respond(ctx, HttpResponseStatus.OK, metrics.contentType(),
                            metrics.scrape(), keepAlive);
                }
            }
            case "/health" -> respond(ctx, HttpResponseStatus.OK, health.get(), keepAlive);
            case "/api/info" -> respond(ctx, HttpResponseStatus.OK, info(), keepAlive);
            default -> {
                FullHttpResponse file = req.method() == HttpMethod.GET ? staticFiles.get(path) : null;
                if (file != null) {
                    send(ctx, file, keepAlive);
                } else {
                    metrics.error(ErrorCode.NOT_FOUND);
                    respond(ctx, HttpResponseStatus.NOT_FOUND,
                            errorBody(ErrorCode.NOT_FOUND, "no such path: " + path), keepAlive);
                }
            }
        }
    }

    private void push(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive) {
        String required = config.apiKey();
        if (required != null && !apiKeyMatches(required, req.headers().get(API_KEY_HEADER))) {
            metrics.error(ErrorCode.UNAUTHORIZED);
            respond(ctx, HttpResponseStatus.UNAUTHORIZED,
                    errorBody(ErrorCode.UNAUTHORIZED, "POST /push needs the " + API_KEY_HEADER + " header"), keepAlive);
            return;
        }
        // Only JSON: a browser page may POST text/plain or a form to any address without asking
        // first (a "simple" request); application/json makes the browser ask the gateway first
        // (CORS preflight), and the gateway never says yes.
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !HttpUtil.getMimeType(type).toString().trim().equalsIgnoreCase("application/json")) {
            metrics.error(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
            respond(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, errorBody(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "POST /push takes Content-Type: application/json"), keepAlive);
            return;
        }
        Protocol.Push push;
        try {
            push = Protocol.parsePush(req.content().toString(StandardCharsets.UTF_8));
        } catch (Protocol.BadInput e) {
            metrics.error(ErrorCode.BAD_REQUEST);
            respond(ctx, HttpResponseStatus.BAD_REQUEST, errorBody(ErrorCode.BAD_REQUEST, e.getMessage()), keepAlive);
            return;
        }
        // from 0: the message comes from the backend, not from a user.
        ByteBuf frame = Protocol.msg(ctx.alloc(), 0, push.data());
        int accepted;
        try {
            accepted = push.all() ? router.toAll(frame) : router.toUsers(push.to(), frame, null);
        } finally {
            frame.release();
        }
        respond(ctx, HttpResponseStatus.ACCEPTED, Protocol.object(g -> g.writeNumberField("accepted", accepted)), keepAlive);
    }

    /*
     * What the page needs to know once: which stage, how it is configured, whether login needs a
     * token. Settings only; every number that changes is read from /metrics, the one source.
     */
    private String info() {
        GatewayConfig c = config;
        return Protocol.object(g -> {
            g.writeStringField("stage", stage.name());
            g.writeStringField("title", stage.title());
            g.writeBooleanField("secret", c.secret() != null);
            g.writeBooleanField("apiKey", c.apiKey() != null);
            g.writeObjectFieldStart("settings");
            g.writeNumberField("queueCapacity", c.queueCapacity());
            g.writeNumberField("maxConnections", c.maxConnections());
            g.writeNumberField("rateLimit", c.rateLimitPerSecond());
            g.writeNumberField("maxFrame", c.maxFrameBytes());
            g.writeStringField("idleTimeout", c.idleTimeout().toString());
            g.writeStringField("slowConsumerTimeout", c.slowConsumerTimeout().toString());
            g.writeStringField("transport", epoll ? "epoll" : "nio");
            g.writeStringField("router", router.kind());
            g.writeEndObject();
        });
    }

    /* Constant time, like the token check: the key must not leak through response timing. */
    private static boolean apiKeyMatches(String required, String given) {
        return given != null && MessageDigest.isEqual(
                required.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private void notAllowed(ChannelHandlerContext ctx, String allow, boolean keepAlive) {
        metrics.error(ErrorCode.NOT_FOUND);
        FullHttpResponse res = response(HttpResponseStatus.METHOD_NOT_ALLOWED, JSON,
                errorBody(ErrorCode.NOT_FOUND, "use " + allow));
        res.headers().set(HttpHeaderNames.ALLOW, allow);
        send(ctx, res, keepAlive);
    }

    static String errorBody(ErrorCode code, String message) {
        return Protocol.object(g -> {
            g.writeStringField("error", code.wire());
            g.writeStringField("msg", message);
        });
    }

    static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String json, boolean keepAlive) {
        respond(ctx, status, JSON, json, keepAlive);
    }

    static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body, boolean keepAlive) {
        send(ctx, response(status, type, body), keepAlive);
    }

    static FullHttpResponse response(HttpResponseStatus status, String json) {
        return response(status, JSON, json);
    }

    static FullHttpResponse response(HttpResponseStatus status, String type, String body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        return res;
    }

    static void send(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
