package lockfree.common.transport;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SessionManager;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.Tokens;
import lockfree.common.routing.Router;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * One connection's pipeline, each handler built from the collaborators it uses:
 * <pre>
 * IdleStateHandler -> OutboundBudget -> HttpServerCodec -> RequestGate -> HttpObjectAggregator
 *   -> HandshakeGuard -> FrameGuard (ping, pong, close) -> WebSocketServerProtocolHandler(/ws)
 *   -> WebSocketFrameAggregator -> HttpApiHandler (/push /metrics /health /)
 *   -> SessionHandler (the protocol)
 * </pre>
 * After the upgrade, Netty's frame decoder and encoder take the HTTP codec's place.
 */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    private final GatewayConfig config;
    private final ChannelGroup channels;
    private final HttpApiHandler api;
    private final SendQueue.Factory queues;
    private final SessionManager sessions;
    private final Router router;
    private final Tokens tokens;
    private final GatewayMetrics metrics;
    private final OriginPolicy origins;
    private final WebSocketServerProtocolConfig ws;
    private final long halfIdleMillis;
    private final PipelineEdit edit;

    /**
     * Package-private seam for the hostile suite's teeth test only (BrokenTransports, in common's
     * test sources): it plants one known hole in each connection's finished pipeline, to prove the
     * suite catches it. Nothing outside this package can pass one; the gateway passes {@link #NONE}.
     */
    interface PipelineEdit {
        void edit(ChannelPipeline p, GatewayConfig config, GatewayMetrics metrics, OriginPolicy origins);
    }

    static final PipelineEdit NONE = (p, config, metrics, origins) -> { };

    /**
     * @param channels every connection joins it, so that shutdown can reach them all
     * @param api      shared by every connection (it keeps no per-connection state)
     * @param tokens   the login check, or null when the gateway runs without a secret
     */
    GatewayInitializer(GatewayConfig config, ChannelGroup channels, HttpApiHandler api, SendQueue.Factory queues,
                       SessionManager sessions, Router router, Tokens tokens, GatewayMetrics metrics, PipelineEdit edit) {
        this.config = config;
        this.channels = channels;
        this.api = api;
        this.queues = queues;
        this.sessions = sessions;
        this.router = router;
        this.tokens = tokens;
        this.metrics = metrics;
        this.origins = new OriginPolicy(config.allowedOrigins(), config.secret() != null);
        this.ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(false)
                .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.maxFrameBytes())
                        .allowExtensions(false)
                        // SessionHandler answers a violation itself, through the encoder: the
                        // decoder's own answer would bypass it and, for a bad close frame, send none.
                        .closeOnProtocolViolation(false)
                        .build())
                .dropPongFrames(true)
                .build();
        this.halfIdleMillis = Math.max(1, config.idleTimeout().toMillis() / 2);
        this.edit = edit;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        FrameRate rate = new FrameRate(config.rateLimitPerSecond(), metrics);
        p.addLast("idle", new IdleStateHandler(halfIdleMillis, 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("budget", new OutboundBudget(config, metrics));
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(HandshakeGuard.MAX_REQUEST_LINE)
                .setMaxHeaderSize(HandshakeGuard.MAX_HEADERS)
                .setHeadersFactory(RequestGate.HEADERS)));
        p.addLast("gate", new RequestGate(metrics));
        // true: a refused expectation (413, 417) closes, since the body it refused was never read
        p.addLast("aggregator", new HttpObjectAggregator(config.maxFrameBytes(), true));
        p.addLast("handshake-guard", new HandshakeGuard(config, metrics, origins));
        p.addLast("control", new FrameGuard(rate, metrics));
        p.addLast("websocket", new WebSocketServerProtocolHandler(ws));
        p.addLast("fragments", new WebSocketFrameAggregator(config.maxFrameBytes()));
        p.addLast("api", api);
        p.addLast("session", new SessionHandler(config, queues, sessions, router, tokens, metrics, rate));
        edit.edit(p, config, metrics, origins);
    }
}
