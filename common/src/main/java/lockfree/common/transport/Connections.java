package lockfree.common.transport;

import lockfree.common.contract.Session;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.CloseCodes;
import lockfree.common.protocol.Protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.AttributeKey;

import java.util.concurrent.TimeUnit;

/**
 * How a gateway ends its connections: the one owner of closing a channel (close frame, then a
 * grace period), kicking a session a newer login displaced, cutting a slow consumer and shutting
 * a session down with the gateway. One per gateway; the handlers that end a connection
 * ({@link SessionHandler}, {@link FrameGuard}, {@link OutboundBudget}), routing's
 * {@link ChannelSessionControl} and the {@link Gateway}'s shutdown are each given it.
 *
 * <p>What a channel is, as far as ending it goes, lives on the channel itself (two attributes),
 * so that any of those callers, on any connection, reaches the same state: whether it is a
 * WebSocket session, and whether we have already said goodbye.
 */
final class Connections {
    private static final AttributeKey<Session> SESSION = AttributeKey.valueOf("lockfree.session");
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("lockfree.closing");
    /** How long a closing connection may take to flush its close frame before we cut it. */
    private static final long CLOSE_GRACE_MILLIS = 1000;

    private final GatewayMetrics metrics;

    Connections(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /** Marks {@code ch} as the connection of {@code session}. Event loop only, once. */
    void attach(Channel ch, Session session) {
        ch.attr(SESSION).set(session);
    }

    /** Whether a close frame has been sent on {@code ch}: whatever the client sends after it is moot. */
    boolean closing(Channel ch) {
        return Boolean.TRUE.equals(ch.attr(CLOSING).get());
    }

    /**
     * Sends a close frame and closes once it is written. If it cannot be written (a slow consumer's
     * socket is full) the connection is cut after a grace period anyway. Event loop only: the
     * CLOSING mark is read and set without synchronisation, which is safe because every caller
     * runs on the channel's own loop.
     */
    void close(Channel ch, int code, String reason) {
        if (closing(ch) || !ch.isActive()) {
            return;
        }
        ch.attr(CLOSING).set(Boolean.TRUE);
        ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        ch.eventLoop().schedule(() -> {
            ch.close();
        }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Tells a displaced session why, then closes it. Any thread; a detached session is ignored. */
    void kick(Session s) {
        Channel ch = channel(s);
        if (ch == null) {
            return;
        }
        // On the session's own event loop, the only thread that writes to it: the kicked message
        // and the close frame then go out in this order, after anything its drain wrote before.
        ch.eventLoop().execute(() -> {
            if (ch.isActive() && !closing(ch)) {
                ch.writeAndFlush(new TextWebSocketFrame(Protocol.kicked(ch.alloc())));
                close(ch, CloseCodes.KICKED, "login_elsewhere");
            }
        });
    }

    /** Routing's slow-consumer verdict on a session: cut it, on its own event loop. Any thread. */
    void closeSlowConsumer(Session s) {
        Channel ch = channel(s);
        if (ch != null) {
            ch.eventLoop().execute(() -> closeSlowConsumer(ch));
        }
    }

    /**
     * Called on the channel's event loop once its queue has been full, or its output unwritable,
     * for the slow-consumer timeout. Returns false if the channel is not a WebSocket session.
     */
    boolean closeSlowConsumer(Channel ch) {
        if (ch.attr(SESSION).get() == null) {
            return false;
        }
        if (ch.isActive() && !closing(ch)) {
            metrics.slowConsumerCloses.inc();
            close(ch, CloseCodes.SLOW_CONSUMER, "slow_consumer");
        }
        return true;
    }

    /** Graceful shutdown of one connection: flush a session's queue, then close with 1001. Any thread. */
    void shutdown(Channel ch) {
        ch.eventLoop().execute(() -> {
            Session s = ch.attr(SESSION).get();
            if (s == null) {
                ch.close(); // a plain HTTP connection
                return;
            }
            s.sendQueue().scheduleDrain();
            // A separate task: the event loop runs tasks in order, so the drain scheduled above
            // (or one already pending) writes the queued messages before the close frame.
            ch.eventLoop().execute(() -> close(ch, CloseCodes.GOING_AWAY, "server shutting down"));
        });
    }

    /** The channel behind a gateway session; null for a detached one (SessionManager tests). */
    private static Channel channel(Session s) {
        return s.outbound() instanceof ChannelOutbound out ? out.channel() : null;
    }
}
