package lockfree.common.transport;

import lockfree.common.contract.Session;
import lockfree.common.routing.SessionControl;

/**
 * Routing's {@link SessionControl} on Netty connections: routing judges a session, the gateway's
 * {@link Connections} ends it, on that session's event loop, the only thread that writes to it.
 */
final class ChannelSessionControl implements SessionControl {
    private final Connections connections;

    ChannelSessionControl(Connections connections) {
        this.connections = connections;
    }

    @Override
    public void kick(Session s) {
        connections.kick(s);
    }

    @Override
    public void closeSlowConsumer(Session s) {
        connections.closeSlowConsumer(s);
    }
}
