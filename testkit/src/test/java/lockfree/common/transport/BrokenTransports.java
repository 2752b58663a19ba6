package lockfree.common.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import lockfree.common.contract.Stage;

import java.util.List;

/**
 * Deliberately broken transports: the real gateway with one known hole planted into each
 * connection's pipeline, for the hostile suites' teeth test (HostileSuiteTeethTest), which proves
 * that each suite rejects its holes. Each hole is the smallest pipeline change that reopens what
 * was found; everything else stays the real transport.
 */
public enum BrokenTransports {
    /**
     * Replies (pongs, acks, errors) and pushes are written with no outbound budget: a client that
     * does not read is read on, and never closed, while its replies pile up in the gateway.
     */
    REPLIES_BYPASS_THE_OUTBOUND_BUDGET((p, config, metrics, origins) -> p.remove("budget")),

    /**
     * A {@code /ws} request that is not version 13 skips the guard, and Netty's own handshaker
     * factory answers hixie-76 and the drafts with a 101, as it did before the guard.
     */
    ACCEPTS_PRE_RFC_HANDSHAKES((p, config, metrics, origins) -> p.addBefore("handshake-guard", "hole",
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof FullHttpRequest r && HandshakeGuard.WS_PATH.equals(r.uri())
                            && !"13".equals(r.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
                        ctx.pipeline().remove("handshake-guard");
                    }
                    ctx.fireChannelRead(msg);
                }
            })),

    /**
     * The handshake deadline covers the first request only: once a plain HTTP request has been
     * served, the guard (and its deadline) is gone, so a keep-alive connection may then take
     * forever over its upgrade (slowloris).
     */
    HANDSHAKE_DEADLINE_ENDS_AFTER_THE_FIRST_REQUEST((p, config, metrics, origins) -> p.addBefore("handshake-guard", "hole",
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.fireChannelRead(msg);
                    if (msg instanceof FullHttpRequest && ctx.pipeline().get("handshake-guard") != null) {
                        ctx.pipeline().remove("handshake-guard");
                        ctx.pipeline().remove(this);
                    }
                }
            })),

    /** Every {@code Origin} is allowed, whatever --allowed-origin and --secret say. */
    ORIGIN_NOT_CHECKED((p, config, metrics, origins) -> p.replace("handshake-guard", "handshake-guard",
            new HandshakeGuard(config, metrics, new OriginPolicy(List.of("*"), config.secret() != null)))),

    /**
     * No request gate: requests already read are dispatched after a response that closes, a
     * refused expectation's unread body is parsed as the next request, and Host and the request
     * target are taken as they come (HTTP framing, RFC 9112).
     */
    REQUESTS_DISPATCHED_AFTER_A_CLOSING_RESPONSE((p, config, metrics, origins) -> p.remove("gate")),

    /**
     * Every close frame the gateway sends says 1000, normal closure: a client that broke RFC 6455
     * cannot tell its error from a goodbye, and an echoed close code is lost.
     */
    CLOSES_ALWAYS_SAY_NORMAL((p, config, metrics, origins) -> p.addBefore("session", "hole",
            new ChannelOutboundHandlerAdapter() {
                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                    if (msg instanceof CloseWebSocketFrame close && close.statusCode() != 1000) {
                        close.release();
                        msg = new CloseWebSocketFrame(1000, "bye");
                    }
                    ctx.write(msg, promise);
                }
            })),

    /**
     * A connection that goes away never tells the session handler: its session and its user stay
     * in the stage's session manager (a leak that only churn shows).
     */
    SESSIONS_LEAK_ON_DISCONNECT((p, config, metrics, origins) -> p.addBefore("session", "hole",
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    // swallowed
                }
            }));

    private final GatewayInitializer.PipelineEdit hole;

    BrokenTransports(GatewayInitializer.PipelineEdit hole) {
        this.hole = hole;
    }

    /** A gateway for {@code stage} with this hole in every connection, on the local router. */
    public Gateway start(Stage stage, GatewayConfig config) {
        return Gateway.startWithHole(stage, config, hole);
    }
}
