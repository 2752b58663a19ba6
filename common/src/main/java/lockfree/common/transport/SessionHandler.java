package lockfree.common.transport;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.CloseCodes;
import lockfree.common.protocol.ErrorCode;
import lockfree.common.protocol.Protocol;
import lockfree.common.protocol.Tokens;
import lockfree.common.routing.LocalDelivery;
import lockfree.common.routing.Router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection's protocol: login, send, multicast, broadcast, ping; idle handling;
 * cleanup on close. One instance per channel, so every field is confined to the channel's event
 * loop and needs no synchronisation. The stage's code is reached through three calls only:
 * {@link SessionManager#add}/{@link SessionManager#bind}/{@link SessionManager#remove}, plus the
 * send queue inside {@link LocalDelivery}. It decides when a connection ends (login timeout, idle,
 * a protocol error, a kick); {@link Connections} ends it.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {
    private final GatewayConfig config;
    private final SendQueue.Factory queues;
    private final SessionManager sessions;
    private final Router router;
    private final Tokens tokens;
    private final GatewayMetrics metrics;
    private final FrameRate rate;
    private final Connections connections;
    private Session session;
    private ScheduledFuture<?> loginDeadline;

    /** @param tokens the login check, or null when the gateway runs without a secret (any uid logs in) */
    SessionHandler(GatewayConfig config, SendQueue.Factory queues, SessionManager sessions, Router router,
                   Tokens tokens, GatewayMetrics metrics, FrameRate rate, Connections connections) {
        this.config = config;
        this.queues = queues;
        this.sessions = sessions;
        this.router = router;
        this.tokens = tokens;
        this.metrics = metrics;
        this.rate = rate;
        this.connections = connections;
    }

    // ---- lifecycle -----------------------------------------------------------------------

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            open(ctx);
        } else if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            onReaderIdle(ctx, idle);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    /*
     * The session starts when the handshake completes, or earlier: frames the client sent in the
     * same write as its upgrade request are decoded while the handshake's completion is still
     * being announced (see FrameGuard), and they belong to this session too.
     */
    private void open(ChannelHandlerContext ctx) {
        if (session != null) {
            return;
        }
        Channel ch = ctx.channel();
        ChannelOutbound outbound = new ChannelOutbound(ch, metrics);
        SendQueue<Object> queue = queues.create(config.queueCapacity(), outbound);
        session = Session.open(outbound, queue);
        connections.attach(ch, session);
        sessions.add(session);
        loginDeadline = ctx.executor().schedule(() -> {
            if (session.userId() == 0) {
                metrics.error(ErrorCode.LOGIN_TIMEOUT);
                connections.close(ch, CloseCodes.LOGIN_TIMEOUT, ErrorCode.LOGIN_TIMEOUT.wire());
            }
        }, config.loginTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /*
     * The idle handler fires after half of --idle-timeout without a read. The first time, we ping:
     * any live WebSocket client answers with a pong, which counts as a read. If the next half
     * passes too, nothing (not even the pong) came back for the whole timeout: close.
     */
    private void onReaderIdle(ChannelHandlerContext ctx, IdleStateEvent idle) {
        if (session == null) {
            ctx.close(); // an idle keep-alive HTTP connection
        } else if (idle.isFirst()) {
            ctx.writeAndFlush(new PingWebSocketFrame());
        } else {
            metrics.error(ErrorCode.IDLE_TIMEOUT);
            connections.close(ctx.channel(), CloseCodes.IDLE_TIMEOUT, ErrorCode.IDLE_TIMEOUT.wire());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (loginDeadline != null) {
            loginDeadline.cancel(false);
        }
        if (session != null) {
            sessions.remove(session);
            if (session.userId() != 0) {
                router.userUnbound(session);
            }
            // One more drain: with the channel closed it discards (releases) whatever is queued,
            // including anything a producer offers from now on.
            session.sendQueue().scheduleDrain();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        // The drain stopped when the socket backed up; resume it once Netty's buffer drops below
        // the low-water mark.
        if (session != null && ctx.channel().isWritable()) {
            session.sendQueue().scheduleDrain();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            // The frame decoder stopped at a frame that breaks RFC 6455 and says how to answer:
            // 1009 for a frame over --max-frame, 1007 for text that is not UTF-8, 1002 otherwise
            // (a bad close code included). It reads nothing more; we say why and close.
            WebSocketCloseStatus status = corrupted.closeStatus();
            metrics.error(status == WebSocketCloseStatus.MESSAGE_TOO_BIG
                    ? ErrorCode.FRAME_TOO_BIG : ErrorCode.PROTOCOL_ERROR);
            connections.close(ctx.channel(), status.code(), status == WebSocketCloseStatus.MESSAGE_TOO_BIG
                    ? ErrorCode.FRAME_TOO_BIG.wire() : ErrorCode.PROTOCOL_ERROR.wire());
        } else if (cause instanceof TooLongFrameException) {
            // A message fragmented into frames that are each small but add up to too much.
            metrics.error(ErrorCode.FRAME_TOO_BIG);
            connections.close(ctx.channel(), CloseCodes.MESSAGE_TOO_BIG, ErrorCode.FRAME_TOO_BIG.wire());
        } else if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            // Reset by the peer, or gone in the middle of a request: nothing to say to it, and
            // nothing to log, since any client can do it as often as it likes.
            ctx.close();
        } else {
            UnexpectedErrors.report(ctx.channel(), cause);
            ctx.close();
        }
    }

    // ---- frames --------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (connections.closing(ctx.channel())) {
                return; // we have said goodbye; whatever the client still sends is moot
            }
            open(ctx);
            if (frame instanceof TextWebSocketFrame text) {
                metrics.messagesIn.inc();
                if (rate.admit(ctx)) {
                    onText(ctx, text.text());
                }
            } else if (frame instanceof BinaryWebSocketFrame) {
                metrics.error(ErrorCode.BINARY_FRAME);
                connections.close(ctx.channel(), CloseCodes.UNSUPPORTED_DATA, ErrorCode.BINARY_FRAME.wire());
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private void onText(ChannelHandlerContext ctx, String text) {
        Protocol.Op op;
        try {
            op = Protocol.parse(text);
        } catch (Protocol.BadInput e) {
            error(ctx, e.code(), e.getMessage());
            return;
        }
        if (op instanceof Protocol.Ping) {
            reply(ctx, Protocol.pong(ctx.alloc()));
        } else if (op instanceof Protocol.Login login) {
            login(ctx, login);
        } else if (session.userId() == 0) {
            error(ctx, ErrorCode.NOT_LOGGED_IN, "log in first: {\"op\":\"login\",\"uid\":<id>}");
        } else if (op instanceof Protocol.Send send) {
            ByteBuf msg = Protocol.msg(ctx.alloc(), session.userId(), send.data());
            try {
                Protocol.Id id = send.id();
                router.toUser(send.to(), msg, outcome -> ackWhenKnown(ctx, id, status(outcome), -1));
            } finally {
                msg.release();
            }
        } else if (op instanceof Protocol.Multicast multicast) {
            ByteBuf msg = Protocol.msg(ctx.alloc(), session.userId(), multicast.data());
            try {
                Protocol.Id id = multicast.id();
                router.toUsers(multicast.to(), msg, (outcome, n) -> ackWhenKnown(ctx, id, status(outcome), n));
            } finally {
                msg.release();
            }
        } else if (op instanceof Protocol.Broadcast broadcast) {
            ByteBuf msg = Protocol.msg(ctx.alloc(), session.userId(), broadcast.data());
            try {
                int n = router.toAll(msg);
                ack(ctx, broadcast.id(), "ok", n);
            } finally {
                msg.release();
            }
        }
    }

    private void login(ChannelHandlerContext ctx, Protocol.Login login) {
        if (session.userId() != 0) {
            error(ctx, ErrorCode.ALREADY_LOGGED_IN, "this connection is already user " + session.userId());
            return;
        }
        if (tokens != null) {
            Tokens.Verdict verdict = tokens.verify(login.token(), login.uid(), System.currentTimeMillis() / 1000);
            if (verdict != Tokens.Verdict.VALID) {
                ErrorCode code = verdict == Tokens.Verdict.EXPIRED ? ErrorCode.TOKEN_EXPIRED : ErrorCode.AUTH_FAILED;
                error(ctx, code, verdict == Tokens.Verdict.EXPIRED
                        ? "the token has expired" : "missing or invalid token for uid " + login.uid());
                connections.close(ctx.channel(), CloseCodes.POLICY_VIOLATION, code.wire());
                return;
            }
        }
        session.assignUser(login.uid());
        // The stage's bind installs us and hands back, in the same atomic step, whoever held the
        // uid before: that session, and only that one, is kicked.
        Session displaced = sessions.bind(session);
        metrics.logins.inc();
        router.userBound(session);
        reply(ctx, Protocol.loginOk(ctx.alloc(), session.userId(), session.id()));
        if (displaced != null && displaced != session) {
            metrics.kicks.inc();
            connections.kick(displaced);
        }
    }

    // ---- replies -------------------------------------------------------------------------

    private static String status(Router.Outcome outcome) {
        return switch (outcome) {
            case QUEUED -> "ok";
            case OFFLINE -> "offline";
            case DROPPED -> "dropped";
        };
    }

    private static void ack(ChannelHandlerContext ctx, Protocol.Id id, String status, int delivered) {
        if (id != null) {
            reply(ctx, Protocol.ack(ctx.alloc(), id, status, delivered));
        }
    }

    /*
     * For a user on another node the router knows the outcome only when Redis answers, on a Redis
     * thread: the ack is then written from this connection's event loop like every other reply.
     */
    private static void ackWhenKnown(ChannelHandlerContext ctx, Protocol.Id id, String status, int delivered) {
        if (id == null) {
            return;
        }
        if (ctx.executor().inEventLoop()) {
            ack(ctx, id, status, delivered);
        } else {
            ctx.executor().execute(() -> ack(ctx, id, status, delivered));
        }
    }

    private void error(ChannelHandlerContext ctx, ErrorCode code, String message) {
        metrics.error(code);
        reply(ctx, Protocol.error(ctx.alloc(), code, message));
    }

    /*
     * Replies (login_ok, ack, error) go straight to the channel, not through the send queue: they
     * answer this client's own frames. The rate limit bounds how many; OutboundBudget bounds the
     * bytes, the same budget the queue's drain writes into, and stops reading a client that does
     * not read its answers.
     */
    private static void reply(ChannelHandlerContext ctx, ByteBuf json) {
        ctx.writeAndFlush(new TextWebSocketFrame(json));
    }
}
