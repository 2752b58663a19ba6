package lockfree.common.routing;

import lockfree.common.contract.Session;

import io.netty.buffer.ByteBuf;

import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

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
        /**
         * Not taken, and counted: the user's send queue was full, or (for a user elsewhere) the
         * publish could not be confirmed (Redis unreachable, no answer, the publish queue full).
         */
        DROPPED;

        /**
         * A multicast's single answer: QUEUED if at least one recipient is confirmed; else
         * DROPPED if any copy could not be confirmed (it may have been for a logged-in user);
         * OFFLINE only when every copy was answered "nobody is subscribed".
         */
        public static Outcome ofMany(int confirmed, int dropped) {
            return confirmed > 0 ? QUEUED : dropped > 0 ? DROPPED : OFFLINE;
        }
    }

    /**
     * Sends to one user and tells {@code done}, exactly once, what became of the message as soon
     * as that is known: at once (on the calling thread) for a user on this node or a refusal, and
     * when Redis answers (on a Redis thread) for a user elsewhere. {@link Outcome#QUEUED} is only
     * ever reported for a message a recipient's queue or a subscribed node has taken, never for
     * one merely on its way: that is what an ack {@code ok} promises.
     */
    void toUser(long uid, ByteBuf frame, Consumer<Outcome> done);

    /**
     * Sends to each of the users.
     *
     * @param done if not null, told exactly once (on any thread) the multicast's outcome
     *             ({@link Outcome#ofMany}) and how many of the users are confirmed to have taken
     *             it, counted as {@link #toUser} would report {@link Outcome#QUEUED}: what a
     *             multicast ack's {@code status} and {@code delivered} say
     * @return how many took it here or had it handed on to the other nodes, not yet confirmed:
     *         what {@code /push} answers as {@code accepted}
     */
    int toUsers(long[] uids, ByteBuf frame, ObjIntConsumer<Outcome> done);

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
