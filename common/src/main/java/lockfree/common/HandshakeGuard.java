package lockfree.common;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Guards a connection until its first complete HTTP request (the WebSocket upgrade, or a call to
 * the HTTP API): a client that connects and never finishes a request is closed after
 * {@code --handshake-timeout}, so stalled handshakes cannot pile up and hold file descriptors.
 * Connections over {@code --max-connections} get their 503 here. Then the guard leaves the pipeline.
 */
final class HandshakeGuard extends ChannelInboundHandlerAdapter {
    private final Gateway gateway;
    private ScheduledFuture<?> deadline;

    HandshakeGuard(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = gateway.config().handshakeTimeout().toMillis();
        deadline = ctx.executor().schedule(() -> {
            gateway.metrics().error(ErrorCode.HANDSHAKE_TIMEOUT);
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
        deadline.cancel(false);
        if (Boolean.TRUE.equals(ctx.channel().attr(AcceptGuard.REFUSED).get())) {
            request.release();
            gateway.metrics().error(ErrorCode.TOO_MANY_CONNECTIONS);
            HttpApiHandler.respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    HttpApiHandler.errorBody(ErrorCode.TOO_MANY_CONNECTIONS,
                            "the gateway holds --max-connections " + gateway.config().maxConnections()
                                    + " connections; retry later"), false);
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(request);
    }
}
