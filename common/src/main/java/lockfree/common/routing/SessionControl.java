package lockfree.common.routing;

import lockfree.common.contract.Session;

/**
 * How routing ends a session it has judged, without knowing what a connection is: the transport
 * implements it (closing the WebSocket with the right code), routing only decides when. Both are
 * safe from any thread; the transport does the closing on the connection's own event loop.
 */
public interface SessionControl {

    /** Another login of the same user won (here or on another node): tell this one why and close it. */
    void kick(Session s);

    /** The session's queue stayed full for the whole slow-consumer timeout: close it. */
    void closeSlowConsumer(Session s);
}
