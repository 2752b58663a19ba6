package lockfree.common.transport;

import lockfree.common.contract.Session;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.routing.SessionControl;

import io.netty.channel.Channel;

/**
 * Routing's {@link SessionControl} on a Netty connection: finds the session's channel through its
 * {@link ChannelOutbound} and hands the close to {@link SessionHandler} on that channel's event
 * loop, the only thread that writes to it.
 */
final class ChannelSessionControl implements SessionControl {
    private final GatewayMetrics metrics;

    ChannelSessionControl(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void kick(Session s) {
        SessionHandler.kick(channel(s));
    }

    @Override
    public void closeSlowConsumer(Session s) {
        Channel ch = channel(s);
        if (ch != null) {
            ch.eventLoop().execute(() -> SessionHandler.closeSlowConsumer(ch, metrics));
        }
    }

    /** The channel behind a gateway session; null for a detached one (SessionManager tests). */
    static Channel channel(Session s) {
        return s.outbound() instanceof ChannelOutbound out ? out.channel() : null;
    }
}
