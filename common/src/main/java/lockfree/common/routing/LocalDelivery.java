package lockfree.common.routing;

import lockfree.common.contract.SendQueue;
import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.WireFrame;

import io.netty.buffer.ByteBuf;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The last step of every push on this node: find the user's session (the stage's
 * {@link SessionManager#getByUserId}, the read the plan says contends) and offer the frame to its
 * {@link SendQueue}. Also decides when a session is a slow consumer.
 */
public final class LocalDelivery {
    private final SessionManager sessions;
    private final GatewayMetrics metrics;
    private final SessionControl control;
    private final long slowConsumerNanos;

    public LocalDelivery(SessionManager sessions, GatewayMetrics metrics, SessionControl control,
                         Duration slowConsumerTimeout) {
        this.sessions = sessions;
        this.metrics = metrics;
        this.control = control;
        this.slowConsumerNanos = slowConsumerTimeout.toNanos();
    }

    /** The session bound to {@code uid} on this node, or null. */
    Session session(long uid) {
        return sessions.getByUserId(uid);
    }

    /** Every logged-in session on this node (weakly consistent, see {@link SessionManager#forEachUser}). */
    void forEachUser(Consumer<Session> action) {
        sessions.forEachUser(action);
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    /** How routing closes a session it has judged (kicked by a newer login elsewhere). */
    SessionControl control() {
        return control;
    }

    /** Offers {@code frame} (not consumed) to the session bound to {@code uid}. */
    public Router.Outcome toUser(long uid, ByteBuf frame) {
        Session s = sessions.getByUserId(uid);
        return s == null ? Router.Outcome.OFFLINE : offer(s, frame);
    }

    /**
     * Offers {@code frame} (not consumed) to every logged-in session; returns how many took it.
     *
     * <p>Encoded once for all of them: the frame's header and payload go into one buffer
     * ({@link WireFrame}) and each recipient queues a retained duplicate of it, which the channel
     * writes as it is. Queuing a {@code TextWebSocketFrame} per recipient instead makes Netty's
     * encoder write a header per recipient (for a small frame, into a new buffer with a copy of the
     * payload), work that is the same for all ten thousand of them.
     */
    public int toAll(ByteBuf frame) {
        ByteBuf wire = WireFrame.text(frame.alloc(), frame);
        // Our own reference keeps the buffer alive for the whole walk: each recipient's
        // retainedDuplicate() counts up before its offer publishes it to the queue, so an event
        // loop that writes and releases its copy while we are still walking can never take the
        // count to zero under a recipient not yet served. The finally drops ours last.
        try {
            int[] queued = {0};
            sessions.forEachUser(s -> {
                if (offer(s, OutboundFrame.encoded(wire.retainedDuplicate()))
                        == Router.Outcome.QUEUED) {
                    queued[0]++;
                }
            });
            return queued[0];
        } finally {
            wire.release();
        }
    }

    /**
     * Encode once, share the bytes: each recipient gets a frame over a retained duplicate of the
     * same buffer (own reader index, shared memory and reference count), released by whoever ends
     * its life: the socket write, the queue's discard, or us when the queue refuses it.
     */
    Router.Outcome offer(Session s, ByteBuf frame) {
        return offer(s, OutboundFrame.payload(frame.retainedDuplicate()));
    }

    private Router.Outcome offer(Session s, OutboundFrame message) {
        if (s.sendQueue().offer(message)) {
            if (s.fullSinceNanos() != 0) {
                s.fullSinceNanos(0);
            }
            return Router.Outcome.QUEUED;
        }
        message.release();
        metrics.pushesDropped.inc();
        noteFull(s);
        return Router.Outcome.DROPPED;
    }

    /*
     * The queue was full. Remember since when; if it has been full (every offer refused) for the
     * whole timeout, the client is not reading and never will catch up: close it so its memory and
     * the pushes aimed at it stop costing everyone else. 0 means "not full", so a real timestamp of
     * 0 is nudged to 1.
     */
    private void noteFull(Session s) {
        long now = System.nanoTime() | 1;
        long since = s.fullSinceNanos();
        if (since == 0) {
            s.fullSinceNanos(now);
        } else if (now - since >= slowConsumerNanos) {
            control.closeSlowConsumer(s);
        }
    }
}
