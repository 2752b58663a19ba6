package lockfree.bench.limit;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.function.Consumer;

/**
 * The session-table workload's limit: the same two maps with nothing a thread-safe table pays for.
 * Agrona's {@link Long2ObjectHashMap} takes primitive {@code long} keys (no {@code Long} to
 * allocate or follow) in one open-addressing array, and nothing here synchronises: no lock, no
 * volatile, no CAS. Each stage's time over this one's is what its thread safety and its key type
 * cost, at one thread.
 *
 * <p><b>Correct at one thread only.</b> Two threads calling in at once corrupt the arrays (a
 * resize seen half-done, a removal's back-shift racing a lookup). So the cross-stage run measures
 * it at {@code -t 1} only, and {@code AllStages_01_SessionTable} refuses to run it with more
 * threads. It keeps every sequential rule of {@link SessionManager} (conditional remove, the kick,
 * no resurrection), so a one-thread run does the same work as the stages.
 */
public final class LimitSessionManager implements SessionManager {

    private final Long2ObjectHashMap<Session> sessions = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Session> users = new Long2ObjectHashMap<>();

    @Override
    public void add(Session session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new IllegalStateException(session + " is already registered");
        }
    }

    @Override
    public Session bind(Session session) {
        long uid = session.userId();
        if (uid <= 0) {
            throw new IllegalStateException(session + " has no user id: call assignUser first");
        }
        if (sessions.get(session.id()) != session) {
            return null; // removed already: never resurrect it
        }
        Session displaced = users.put(uid, session);
        return displaced == session ? null : displaced;
    }

    @Override
    public boolean remove(Session session) {
        if (sessions.get(session.id()) != session) {
            return false;
        }
        sessions.remove(session.id());
        long uid = session.userId();
        if (uid != 0 && users.get(uid) == session) {
            users.remove(uid);
        }
        return true;
    }

    @Override
    public Session get(long sessionId) {
        return sessions.get(sessionId);
    }

    @Override
    public Session getByUserId(long userId) {
        return users.get(userId);
    }

    @Override
    public int size() {
        return sessions.size();
    }

    @Override
    public int userCount() {
        return users.size();
    }

    @Override
    public void forEachUser(Consumer<Session> action) {
        users.values().forEach(action);
    }
}
