package lockfree.bench;

import lockfree.common.contract.Session;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one step of {@link TwoMapSessionManager} that threads alone rarely reach: a session's own
 * close landing between bind's "still registered?" check and its exchange in the user map. The
 * close's conditional unbind then looks at the user map before the session is in it, so only
 * bind's second look can take it out again; without it the closed session stays bound for good
 * (a resurrection: pushes to the user go to a dead connection). The contract suite runs bind and
 * remove on real threads and meets this window too seldom to notice its absence; here the user
 * map runs the close at exactly that point, every time.
 */
class TwoMapSessionManagerTest {

    /** A thread-safe map whose {@code put} first runs {@code beforePut} (the racing close). */
    static final class Interposed implements TwoMapSessionManager.SessionMap {
        final ConcurrentHashMap<Long, Session> map = new ConcurrentHashMap<>();
        Consumer<Session> beforePut = s -> { };

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
            beforePut.accept(session);
            return map.put(key, session);
        }

        @Override
        public boolean remove(long key, Session session) {
            return map.remove(key, session);
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

    /** The manager over the interposed user map; {@code recheck} as the shared tables have it, or not. */
    private static TwoMapSessionManager manager(Interposed users, boolean recheck) {
        return new TwoMapSessionManager(new Interposed(), users, recheck) { };
    }

    private static void closeInsideBindsWindow(boolean recheck, Consumer<TwoMapSessionManager> verdict) {
        Interposed users = new Interposed();
        TwoMapSessionManager m = manager(users, recheck);
        Session old = Session.detached(1, 7);
        m.add(old);
        m.bind(old);
        Session fresh = Session.detached(2, 7);
        m.add(fresh);
        users.beforePut = s -> {
            users.beforePut = x -> { };
            assertTrue(m.remove(s), "the close runs once, inside bind's window");
        };
        assertSame(old, m.bind(fresh), "the displaced session is still handed back to be kicked");
        verdict.accept(m);
    }

    @Test
    void aCloseInsideBindsWindowLeavesTheClosedSessionUnbound() {
        closeInsideBindsWindow(true, m -> {
            assertNull(m.get(2), "closed: gone from the registry");
            assertNull(m.getByUserId(7), "closed: not bound (the displaced one stays kicked, SessionManager's allowed window)");
            assertEquals(0, m.userCount());
        });
    }

    /** Teeth: the same window with the second look skipped (as only a one-thread table may) resurrects the session. */
    @Test
    void withoutTheSecondLookTheClosedSessionStaysBound() {
        closeInsideBindsWindow(false, m -> {
            assertNull(m.get(2));
            assertEquals(2, m.getByUserId(7).id(), "the broken variant leaves the closed session bound");
        });
    }
}
