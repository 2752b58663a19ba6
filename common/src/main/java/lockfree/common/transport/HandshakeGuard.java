package lockfree.common.transport;

import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.ErrorCode;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Guards a connection until it has become a WebSocket, and checks every HTTP request before it is
 * served.
 *
 * <p>The deadline: a connection has {@code --handshake-timeout} from the moment it opened to
 * complete a WebSocket upgrade. Plain HTTP requests on a keep-alive connection are served in the
 * meantime, but they do not move the deadline, so a client cannot hold a connection open by
 * sending a cheap request now and then (slowloris). A plain HTTP connection is therefore closed
 * at the deadline too; HTTP clients reconnect.
 *
 * <p>The checks, in order: a request the HTTP decoder could not read (431 headers over 8 KiB, 414
 * a request line over 8 KiB, 413 a chunk line over 8 KiB, 400 otherwise; then closed; the request
 * head's own rules, Host and the target's form, are {@link RequestGate}'s); a connection over {@code --max-connections}
 * (only {@code GET /health} and {@code GET /metrics} are served, so monitoring still sees a full
 * gateway, everything else gets 503; then closed); a browser {@code Origin} the {@link OriginPolicy}
 * refuses (403, on {@code /ws} and {@code /push}); a request for {@code /ws} that is not RFC 6455
 * version 13 (426 with {@code Sec-WebSocket-Version: 13}: hixie-76 and the drafts frame messages
 * differently, and their decoders do not enforce {@code --max-frame}). A request for {@code /ws}
 * that passes leaves this guard behind: it is removed, and the handshake handler after it takes over.
 */
final class HandshakeGuard extends ChannelInboundHandlerAdapter {
    static final String WS_PATH = "/ws";

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final OriginPolicy origins;
    private ScheduledFuture<?> deadline;

    HandshakeGuard(GatewayConfig config, GatewayMetrics metrics, OriginPolicy origins) {
        this.config = config;
        this.metrics = metrics;
        this.origins = origins;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = config.handshakeTimeout().toMillis();
        deadline = ctx.executor().schedule(() -> {
            metrics.error(ErrorCode.HANDSHAKE_TIMEOUT);
            ctx.close();
        }, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            request.release();
            if (decoded.cause() instanceof TooLongHttpHeaderException) {
                refuse(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, ErrorCode.HEADERS_TOO_LARGE,
                        "the request's headers are over " + RequestGate.MAX_HEADERS + " bytes");
            } else if (decoded.cause() instanceof RequestGate.ChunkLineTooLong tooLong) {
                refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCode.BAD_HTTP, tooLong.getMessage());
            } else if (decoded.cause() instanceof TooLongHttpLineException) {
                refuse(ctx, HttpResponseStatus.REQUEST_URI_TOO_LONG, ErrorCode.URI_TOO_LONG,
                        "the request line is over " + RequestGate.MAX_REQUEST_LINE + " bytes");
            } else {
                refuse(ctx, HttpResponseStatus.BAD_REQUEST, ErrorCode.BAD_HTTP, "not a valid HTTP/1.1 request");
            }
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (Boolean.TRUE.equals(ctx.channel().attr(AcceptGuard.REFUSED).get())) {
            if (isMonitoring(request, path)) {
                // One answer, then closed: monitoring is served at the limit, but it cannot be a
                // way to hold more than --max-connections open.
                HttpUtil.setKeepAlive(request, false);
                ctx.fireChannelRead(request);
                return;
            }
            request.release();
            refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, ErrorCode.TOO_MANY_CONNECTIONS,
                    "the gateway holds --max-connections " + config.maxConnections()
                            + " connections; retry later");
            return;
        }
        boolean upgrade = WS_PATH.equals(request.uri());
        if ((upgrade || "/push".equals(path)) && !origins.allows(request)) {
            request.release();
            refuse(ctx, HttpResponseStatus.FORBIDDEN, ErrorCode.FORBIDDEN_ORIGIN,
                    "Origin " + abbreviate(request.headers().get(HttpHeaderNames.ORIGIN))
                            + " is not allowed (see --allowed-origin)");
            return;
        }
        if (upgrade) {
            if (!"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
                request.release();
                FullHttpResponse res = HttpApiHandler.response(HttpResponseStatus.UPGRADE_REQUIRED,
                        HttpApiHandler.errorBody(ErrorCode.UNSUPPORTED_VERSION,
                                "only RFC 6455 WebSocket (Sec-WebSocket-Version: 13) is spoken here"));
                res.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
                metrics.error(ErrorCode.UNSUPPORTED_VERSION);
                HttpApiHandler.send(ctx, res, false);
                return;
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(request);
    }

    private static boolean isMonitoring(FullHttpRequest request, String path) {
        return request.method().name().equals("GET") && (path.equals("/health") || path.equals("/metrics"));
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, ErrorCode code, String message) {
        metrics.error(code);
        if (ctx.channel().isActive()) {
            HttpApiHandler.respond(ctx, status, HttpApiHandler.errorBody(code, message), false);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
