package lockfree.common.routing;

import lockfree.common.contract.Session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One holder per user across nodes: what this node claims, and what it does with another node's
 * claim. The protocol (claim after the subscription is confirmed, the older login is kicked, the
 * newer holder answers) is described on {@link RedisRouter}; this class holds its state: when
 * each session bound here logged in.
 *
 * <p>Threads: {@link #bound} and {@link #unbound} run on the sessions' event loops, {@link #claim}
 * on the publisher, {@link #heard} on the inbox; the map is their only shared state, and each
 * decision re-reads the session manager rather than trusting an earlier event.
 */
final class Claims {
    private final String nodeId;
    private final LocalDelivery local;
    /** When each session bound on this node logged in, by session id: what claims compare. */
    private final Map<Long, Long> loginMillis = new ConcurrentHashMap<>();

    Claims(String nodeId, LocalDelivery local) {
        this.nodeId = nodeId;
        this.local = local;
    }

    void bound(Session session) {
        loginMillis.put(session.id(), System.currentTimeMillis());
    }

    void unbound(Session session) {
        loginMillis.remove(session.id());
    }

    /** The claim to publish for {@code uid}, or null if no session here holds it any more. */
    byte[] claim(long uid) {
        Session s = local.session(uid);
        Long since = s == null ? null : loginMillis.get(s.id());
        return since == null ? null : RedisMessage.claim(nodeId, since);
    }

    /**
     * Another node claims {@code uid}. If its login is newer, our session is kicked; returns true
     * when ours is the newer one, so the caller must answer with our own claim (which makes the
     * other holder kick).
     */
    boolean heard(long uid, RedisMessage claim) {
        if (nodeId.equals(claim.node())) {
            return false;
        }
        Session s = local.session(uid);
        Long mine = s == null ? null : loginMillis.get(s.id());
        if (mine == null) {
            return false; // not here (or bound an instant ago: its own claim is on the way)
        }
        boolean theirsIsNewer = claim.loginMillis() > mine
                || (claim.loginMillis() == mine && claim.node().compareTo(nodeId) > 0);
        if (theirsIsNewer) {
            // Forget the login first, so that further claims for it neither kick twice nor answer.
            if (loginMillis.remove(s.id(), mine)) {
                local.metrics().kicks.inc();
                local.control().kick(s);
            }
            return false;
        }
        return true; // the other holder is older: make it hear our claim
    }
}
