package lockfree.common.transport;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.SessionManager;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.Tokens;
import lockfree.common.routing.Router;

import io.netty.channel.ChannelHandler;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One connection's pipeline, built from {@link #PIPELINE}: a list of named steps, each making its
 * handler from the gateway's shared {@link Parts} and the connection's {@link FrameRate}:
 * <pre>
 * IdleStateHandler -> OutboundBudget -> HttpServerCodec -> RequestGate -> HttpObjectAggregator
 *   -> HandshakeGuard -> FrameGuard (ping, pong, close) -> WebSocketServerProtocolHandler(/ws)
 *   -> WebSocketFrameAggregator -> HttpApiHandler (/push /metrics /health /)
 *   -> SessionHandler (the protocol)
 * </pre>
 * After the upgrade, Netty's frame decoder and encoder take the HTTP codec's place. The step names
 * are the handlers' names in the pipeline, which is how handlers find each other at run time.
 */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    /**
     * What a gateway's connections are built from, shared by all of them.
     *
     * @param api    one for every connection (it keeps no per-connection state)
     * @param tokens the login check, or null when the gateway runs without a secret
     */
    record Parts(GatewayConfig config, GatewayMetrics metrics, Connections connections, OriginPolicy origins,
                 WebSocketServerProtocolConfig ws, long halfIdleMillis, HttpApiHandler api,
                 SendQueue.Factory queues, SessionManager sessions, Router router, Tokens tokens) {

        static Parts of(GatewayConfig config, GatewayMetrics metrics, Connections connections, HttpApiHandler api,
                        SendQueue.Factory queues, SessionManager sessions, Router router, Tokens tokens) {
            WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(HandshakeGuard.WS_PATH)
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
            return new Parts(config, metrics, connections,
                    new OriginPolicy(config.allowedOrigins(), config.secret() != null), ws,
                    Math.max(1, config.idleTimeout().toMillis() / 2), api, queues, sessions, router, tokens);
        }
    }

    /** One handler of a connection's pipeline, under its name. */
    record Step(String name, Handler handler) {
    }

    /**
     * Makes a step's handler for a new connection. {@code rate} is that connection's one
     * allowance of frames: pings (answered in FrameGuard) and the frames SessionHandler reads draw
     * from the same one, so a client cannot double its budget by mixing them.
     */
    interface Handler {
        ChannelHandler create(Parts parts, FrameRate rate);
    }

    /** The gateway's pipeline, first (next to the socket) to last. */
    static final List<Step> PIPELINE = List.of(
            new Step("idle", (parts, rate) -> new IdleStateHandler(parts.halfIdleMillis(), 0, 0, TimeUnit.MILLISECONDS)),
            new Step("budget", (parts, rate) -> new OutboundBudget(parts.config(), parts.metrics(), parts.connections())),
            new Step("http", (parts, rate) -> new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(RequestGate.MAX_REQUEST_LINE)
                    .setMaxHeaderSize(RequestGate.MAX_HEADERS)
                    .setHeadersFactory(RequestGate.HEADERS))),
            new Step("gate", (parts, rate) -> new RequestGate(parts.metrics())),
            // true: a refused expectation (413, 417) closes, since the body it refused was never read
            new Step("aggregator", (parts, rate) -> new HttpObjectAggregator(parts.config().maxFrameBytes(), true)),
            new Step("handshake-guard", (parts, rate) -> new HandshakeGuard(parts.config(), parts.metrics(), parts.origins())),
            new Step("control", (parts, rate) -> new FrameGuard(rate, parts.metrics(), parts.connections())),
            new Step("websocket", (parts, rate) -> new WebSocketServerProtocolHandler(parts.ws())),
            new Step("fragments", (parts, rate) -> new WebSocketFrameAggregator(parts.config().maxFrameBytes())),
            new Step("api", (parts, rate) -> parts.api()),
            new Step("session", (parts, rate) -> new SessionHandler(parts.config(), parts.queues(), parts.sessions(),
                    parts.router(), parts.tokens(), parts.metrics(), rate, parts.connections())));

    private final ChannelGroup channels;
    private final Parts parts;
    private final List<Step> steps;

    /**
     * @param channels every connection joins it, so that shutdown can reach them all
     * @param steps    the pipeline: {@link #PIPELINE}
     */
    GatewayInitializer(ChannelGroup channels, Parts parts, List<Step> steps) {
        this.channels = channels;
        this.parts = parts;
        this.steps = List.copyOf(steps);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        FrameRate rate = new FrameRate(parts.config().rateLimitPerSecond(), parts.metrics());
        for (Step step : steps) {
            p.addLast(step.name(), step.handler().create(parts, rate));
        }
    }
}
