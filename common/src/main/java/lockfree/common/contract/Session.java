package lockfree.common.contract;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection, as every stage's {@link SessionManager} sees it.
 *
 * <p>A session is created when the WebSocket handshake completes ({@link SessionManager#add}),
 * gets a user id once the client logs in ({@link #assignUser}, then {@link SessionManager#bind}),
 * and is removed when the connection closes ({@link SessionManager#remove}).
 *
 * <p>Which map holds a session, and how that map is guarded, is each stage's business; this class
 * only carries what every stage needs: the ids, the outbound {@link SendQueue} and the
 * {@link Outbound} that queue drains into. It names no transport type: the gateway's
 * {@code Outbound} is a Netty channel, the contract tests' is a recording fake.
 */
public final class Session {
    /** Process-wide session ids. One shared counter is fine here: it is touched once per connect. */
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final Outbound<Object> outbound;
    private final SendQueue<Object> sendQueue;

    /*
     * Written once, by the connection's own event loop, before the session is handed to
     * SessionManager.bind(). Every stage's bind publishes it to other threads (a lock release,
     * a CHM bin lock, or a volatile/CAS store), so a thread that finds this session in a map also
     * sees its user id. It is volatile anyway because the gateway's metrics and kick paths read
     * it from other threads without going through a map.
     */
    private volatile long userId;

    /*
     * Slow-consumer bookkeeping, written by whichever thread last tried to deliver. Races between
     * producers only move the timestamp by a few microseconds; the decision it drives (close after
     * the queue stayed full for a whole timeout) tolerates that, so no CAS is needed.
     */
    private volatile long fullSinceNanos;

    /**
     * @param outbound  the connection, as its send queue writes to it; null only in tests that
     *                  exercise a SessionManager alone
     * @param sendQueue this session's outbound queue, draining into {@code outbound}; null only in
     *                  such tests
     */
    public Session(long id, Outbound<Object> outbound, SendQueue<Object> sendQueue) {
        this.id = id;
        this.outbound = outbound;
        this.sendQueue = sendQueue;
    }

    /** A session with a fresh process-unique id, for a live connection. */
    public static Session open(Outbound<Object> outbound, SendQueue<Object> sendQueue) {
        return new Session(IDS.incrementAndGet(), outbound, sendQueue);
    }

    /** A session without a connection, for SessionManager tests and benchmarks. */
    public static Session detached(long id, long userId) {
        Session s = new Session(id, null, null);
        if (userId != 0) {
            s.assignUser(userId);
        }
        return s;
    }

    public long id() {
        return id;
    }

    /** The user this session logged in as, or 0 before login. */
    public long userId() {
        return userId;
    }

    /** Records the login's user id. Once per session: a second login on a connection is an error. */
    public void assignUser(long uid) {
        if (uid <= 0) {
            throw new IllegalArgumentException("user ids are positive, got " + uid);
        }
        if (userId != 0) {
            throw new IllegalStateException("session " + id + " is already user " + userId);
        }
        userId = uid;
    }

    /** The connection this session's queue drains into; null for a detached session. */
    public Outbound<Object> outbound() {
        return outbound;
    }

    public SendQueue<Object> sendQueue() {
        return sendQueue;
    }

    /** Since when every offer to the queue was refused (0: not full). Routing's slow-consumer clock. */
    public long fullSinceNanos() {
        return fullSinceNanos;
    }

    public void fullSinceNanos(long nanos) {
        fullSinceNanos = nanos;
    }

    @Override
    public String toString() {
        return "Session{id=" + id + ", uid=" + userId + '}';
    }
}
