package lockfree.bench.limit;

import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;

import java.util.function.Consumer;

/**
 * The session-table limit does the stages' work, rule for rule: with one lock around every call
 * (the only thing it leaves out) it passes the whole contract, the concurrent tests included. So
 * at one thread, where the benchmark runs it, it computes what every stage computes.
 */
class LimitSessionManagerTest extends SessionManagerContract {

    @Override
    protected SessionManager newManager() {
        return new Locked(new LimitSessionManager());
    }

    /** The limit with one monitor around each call: correct under threads, and nothing else changed. */
    private static final class Locked implements SessionManager {
        private final SessionManager limit;

        Locked(SessionManager limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void add(Session session) {
            limit.add(session);
        }

        @Override
        public synchronized Session bind(Session session) {
            return limit.bind(session);
        }

        @Override
        public synchronized boolean remove(Session session) {
            return limit.remove(session);
        }

        @Override
        public synchronized Session get(long sessionId) {
            return limit.get(sessionId);
        }

        @Override
        public synchronized Session getByUserId(long userId) {
            return limit.getByUserId(userId);
        }

        @Override
        public synchronized int size() {
            return limit.size();
        }

        @Override
        public synchronized int userCount() {
            return limit.userCount();
        }

        @Override
        public synchronized void forEachUser(Consumer<Session> action) {
            limit.forEachUser(action);
        }
    }
}
