package lockfree.common;

import io.netty.buffer.ByteBuf;

/**
 * Where a message goes after the gateway has encoded it: to the users on this node
 * ({@link LocalRouter}, the embedded default) or, in a cluster, to whichever node holds the user.
 *
 * <p>Every method takes an encoded {@code msg} frame and does NOT take ownership of it: each
 * recipient gets a retained duplicate (the bytes are shared, encoded once) and the caller releases
 * its own reference afterwards.
 */
public interface Router extends AutoCloseable {

    /** What became of a message for one user. */
    enum Outcome {
        /** Taken by the user's send queue (or handed to the node that holds the user). */
        QUEUED,
        /** No such user is logged in. */
        OFFLINE,
        /** The user's send queue was full; the message was dropped and counted. */
        DROPPED
    }

    Outcome toUser(long uid, ByteBuf frame);

    /** @return how many of the users took the message */
    int toUsers(long[] uids, ByteBuf frame);

    /** @return how many logged-in users took the message */
    int toAll(ByteBuf frame);

    /** Called after a session was bound to its user on this node. */
    default void userBound(Session session) {
    }

    /** Called after a bound session was removed on this node. */
    default void userUnbound(Session session) {
    }

    /** "local", "redis", ...: shown in /health and the start-up banner. */
    String kind();

    /** False while the router cannot reach its peers (always true for the local router). */
    boolean isUp();

    @Override
    default void close() {
    }
}
