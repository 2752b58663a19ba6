package lockfree.bench.limit;

import lockfree.bench.TwoMapSessionManager;
import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.function.Consumer;

/**
 * The session-table workload's limit: the same two maps ({@link TwoMapSessionManager}, told that one
 * thread calls in) with nothing a thread-safe table pays for.
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
public final class LimitSessionManager extends TwoMapSessionManager {

    public LimitSessionManager() {
        super(new Unshared(), new Unshared(), false);
    }

    /** One Agrona table; each compound call is a plain check, then a plain write. */
    private static final class Unshared implements SessionMap {
        private final Long2ObjectHashMap<Session> map = new Long2ObjectHashMap<>();

        @Override
        public Session get(long key) {
            return map.get(key);
        }

        @Override
        public Session putIfAbsent(long key, Session session) {
            return map.putIfAbsent(key, session);
        }

        @Override
        public Session put(long key, Session session) {
            return map.put(key, session);
        }

        @Override
        public boolean remove(long key, Session session) {
            if (map.get(key) != session) {
                return false;
            }
            map.remove(key);
            return true;
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public void forEachValue(Consumer<Session> action) {
            map.values().forEach(action);
        }
    }
}
