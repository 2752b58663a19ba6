package lockfree.common.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import lockfree.common.contract.Stage;
import lockfree.common.routing.LocalRouter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Deliberately broken transports: the real gateway with one known hole in each connection's
 * pipeline, for the hostile suites' teeth test (HostileSuiteTeethTest), which proves that each
 * suite rejects its holes. Each is assembled from the real pipeline's steps
 * ({@link GatewayInitializer#PIPELINE}) with the smallest change that reopens what was found
 * (a step left out, replaced, or one more step before it); everything else stays the real
 * transport.
 */
public enum BrokenTransports {
    /**
     * Replies (pongs, acks, errors) and pushes are written with no outbound budget: a client that
     * does not read is read on, and never closed, while its replies pile up in the gateway.
     */
    REPLIES_BYPASS_THE_OUTBOUND_BUDGET(without("budget")),

    /**
     * A {@code /ws} request that is not version 13 skips the guard, and Netty's own handshaker
     * factory answers hixie-76 and the drafts with a 101, which is what the guard is there to refuse.
     */
    ACCEPTS_PRE_RFC_HANDSHAKES(before("handshake-guard", () -> new ChannelInboundHandlerAdapter() {
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
    HANDSHAKE_DEADLINE_ENDS_AFTER_THE_FIRST_REQUEST(before("handshake-guard", () -> new ChannelInboundHandlerAdapter() {
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
    ORIGIN_NOT_CHECKED(replacing("handshake-guard", (parts, rate) -> new HandshakeGuard(parts.config(), parts.metrics(),
            new OriginPolicy(List.of("*"), parts.config().secret() != null)))),

    /**
     * No request gate: requests already read are dispatched after a response that closes, a
     * refused expectation's unread body is parsed as the next request, and Host and the request
     * target are taken as they come (HTTP framing, RFC 9112).
     */
    REQUESTS_DISPATCHED_AFTER_A_CLOSING_RESPONSE(without("gate")),

    /**
     * Every close frame the gateway sends says 1000, normal closure: a client that broke RFC 6455
     * cannot tell its error from a goodbye, and an echoed close code is lost.
     */
    CLOSES_ALWAYS_SAY_NORMAL(before("session", () -> new ChannelOutboundHandlerAdapter() {
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
    SESSIONS_LEAK_ON_DISCONNECT(before("session", () -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                // swallowed
            }
        }));

    private final UnaryOperator<List<GatewayInitializer.Step>> hole;

    BrokenTransports(UnaryOperator<List<GatewayInitializer.Step>> hole) {
        this.hole = hole;
    }

    /** A gateway for {@code stage} with this hole in every connection, on the local router. */
    public Gateway start(Stage stage, GatewayConfig config) {
        return new Gateway(stage, config, LocalRouter::new, hole.apply(GatewayInitializer.PIPELINE));
    }

    /** The pipeline without the step {@code name}. */
    private static UnaryOperator<List<GatewayInitializer.Step>> without(String name) {
        return steps -> {
            List<GatewayInitializer.Step> broken = new ArrayList<>(steps);
            broken.remove(at(broken, name));
            return broken;
        };
    }

    /** The pipeline with a new handler (one per connection) named "hole" just before the step {@code name}. */
    private static UnaryOperator<List<GatewayInitializer.Step>> before(String name, Supplier<ChannelHandler> hole) {
        return steps -> {
            List<GatewayInitializer.Step> broken = new ArrayList<>(steps);
            broken.add(at(broken, name), new GatewayInitializer.Step("hole", (parts, rate) -> hole.get()));
            return broken;
        };
    }

    /** The pipeline with the step {@code name} making its handler another way. */
    private static UnaryOperator<List<GatewayInitializer.Step>> replacing(String name, GatewayInitializer.Handler handler) {
        return steps -> {
            List<GatewayInitializer.Step> broken = new ArrayList<>(steps);
            broken.set(at(broken, name), new GatewayInitializer.Step(name, handler));
            return broken;
        };
    }

    /** Where the step {@code name} is; a hole aimed at a step the pipeline no longer has is an error, not a no-op. */
    private static int at(List<GatewayInitializer.Step> steps, String name) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("the pipeline has no step " + name + ": " + steps);
    }
}
