package lockfree.stage3;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import org.jctools.maps.NonBlockingHashMapLong;

import java.util.function.Consumer;

/**
 * The "before" of stage 3's write path, kept to be measured beside {@link LockFreeSessionManager}
 * and never used by the gateway: the same lifecycle and the same user map, but the session
 * registry is a second {@link NonBlockingHashMapLong} keyed by session id.
 *
 * <p>That one choice is what made stage 3 the slowest stage at re-logins and let its memory grow
 * under churn. Session ids are never reused, and the map frees a removed key's slot only when it
 * copies the whole table: each connection uses up a slot for good. At a quarter of the slots used
 * it copies, and its rule is to double the table when the previous copy was less than ten seconds
 * ago, so a steady stream of connections keeps doubling and copying a table that never shrinks.
 * {@code Stage3_04_SessionRegistry} measures the time, {@code ChurnMemory} (benchmarks module)
 * the memory; README "Before and after: the session registry" explains both.
 *
 * <p>Only the registry differs, so every comment on the lifecycle is in LockFreeSessionManager,
 * which reuses its {@link LockFreeSessionManager.Entry Entry} and states.
 */
public final class NaiveLockFreeSessionManager implements SessionManager {

    private final NonBlockingHashMapLong<LockFreeSessionManager.Entry> bySession = new NonBlockingHashMapLong<>();
    private final NonBlockingHashMapLong<LockFreeSessionManager.Entry> byUser = new NonBlockingHashMapLong<>();

    @Override
    public void add(Session session) {
        if (bySession.putIfAbsent(session.id(), new LockFreeSessionManager.Entry(session)) != null) {
            throw new IllegalStateException(session + " is already registered");
        }
    }

    @Override
    public Session bind(Session session) {
        long uid = session.userId();
        if (uid <= 0) {
            throw new IllegalStateException(session + " has no user id: call assignUser first");
        }
        LockFreeSessionManager.Entry entry = bySession.get(session.id());
        if (entry == null || entry.session != session || !entry.claim()) {
            return null;
        }
        LockFreeSessionManager.Entry displaced = byUser.put(LockFreeSessionManager.userKey(uid), entry);
        if (!entry.confirm()) {
            byUser.remove(LockFreeSessionManager.userKey(uid), entry);
        }
        return displaced == null ? null : displaced.session;
    }

    @Override
    public boolean remove(Session session) {
        LockFreeSessionManager.Entry entry = bySession.get(session.id());
        if (entry == null || entry.session != session) {
            return false;
        }
        int last = entry.close();
        if (last == LockFreeSessionManager.CLOSED) {
            return false;
        }
        bySession.remove(session.id(), entry);
        if (last == LockFreeSessionManager.BOUND) {
            byUser.remove(LockFreeSessionManager.userKey(session.userId()), entry);
        }
        return true;
    }

    @Override
    public Session get(long sessionId) {
        LockFreeSessionManager.Entry entry = bySession.get(sessionId);
        return entry == null ? null : entry.session;
    }

    @Override
    public Session getByUserId(long userId) {
        LockFreeSessionManager.Entry entry = byUser.get(LockFreeSessionManager.userKey(userId));
        return entry == null ? null : entry.session;
    }

    @Override
    public int size() {
        return bySession.size();
    }

    @Override
    public int userCount() {
        return byUser.size();
    }

    @Override
    public void forEachUser(Consumer<Session> action) {
        for (LockFreeSessionManager.Entry entry : byUser.values()) {
            action.accept(entry.session);
        }
    }
}
