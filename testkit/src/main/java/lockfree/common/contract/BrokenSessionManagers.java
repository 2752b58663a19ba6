package lockfree.common.contract;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Session managers with one planted mistake each, the ones people make when they first write
 * this code. They exist to be rejected: {@code ModelCheckTeethTest} proves that
 * {@link SessionManagerModel} finds every one of them. Each says which race it loses and which
 * fixed scenario shows it.
 */
final class BrokenSessionManagers {
    private BrokenSessionManagers() {
    }

    /**
     * The correct two-map manager on {@link ConcurrentHashMap}s that the first three mistakes
     * start from (stage 1's design): bind installs and reads the displaced session in one
     * {@code compute}, which also checks that the session is still registered; remove takes the
     * session out of the registry first, then unbinds its user only if still bound to it.
     */
    abstract static class TwoMaps implements SessionManager {
        final ConcurrentHashMap<Long, Session> byId = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Long, Session> byUser = new ConcurrentHashMap<>();

        @Override
        public void add(Session session) {
            byId.put(session.id(), session);
        }

        @Override
        public Session bind(Session session) {
            Session[] displaced = new Session[1];
            byUser.compute(session.userId(), (uid, current) -> {
                if (byId.get(session.id()) != session) {
                    return current;
                }
                displaced[0] = current == session ? null : current;
                return session;
            });
            return displaced[0];
        }

        @Override
        public boolean remove(Session session) {
            if (!byId.remove(session.id(), session)) {
                return false;
            }
            byUser.remove(session.userId(), session);
            return true;
        }

        @Override
        public Session get(long sessionId) {
            return byId.get(sessionId);
        }

        @Override
        public Session getByUserId(long userId) {
            return byUser.get(userId);
        }

        @Override
        public int size() {
            return byId.size();
        }

        @Override
        public int userCount() {
            return byUser.size();
        }

        @Override
        public void forEachUser(Consumer<Session> action) {
            byUser.values().forEach(action);
        }
    }

    /**
     * remove unbinds the user whoever they are bound to now. The old connection's close, arriving
     * after the user logged in again, unbinds the new session: the user is unreachable.
     * Shown by {@link SessionManagerModel.Race#CONDITIONAL_REMOVE}, and by any sequential run.
     */
    static final class UnconditionalRemove extends TwoMaps {
        @Override
        public boolean remove(Session session) {
            if (!byId.remove(session.id(), session)) {
                return false;
            }
            byUser.remove(session.userId());
            return true;
        }
    }

    /**
     * bind reads the displaced session, then installs the new one, in two steps. Two logins of one
     * user both read "nobody" and both install themselves: the loser is never kicked.
     * Shown by {@link SessionManagerModel.Race#TWO_LOGINS_OF_ONE_USER}.
     */
    static final class GetThenPutBind extends TwoMaps {
        @Override
        public Session bind(Session session) {
            if (byId.get(session.id()) != session) {
                return null;
            }
            Session displaced = byUser.get(session.userId());
            byUser.put(session.userId(), session);
            return displaced == session ? null : displaced;
        }
    }

    /**
     * bind checks that the session is still registered, then installs it, in two steps: its own
     * remove can run in between, and the closed session stays bound (resurrected).
     * Shown by {@link SessionManagerModel.Race#BIND_RACES_OWN_REMOVE}.
     */
    static final class CheckThenBind extends TwoMaps {
        @Override
        public Session bind(Session session) {
            if (byId.get(session.id()) != session) {
                return null;
            }
            Session displaced = byUser.put(session.userId(), session);
            return displaced == session ? null : displaced;
        }
    }

    /**
     * Stage 3 with a filter on its reads: a per-session state machine (CONNECTED, BINDING, BOUND,
     * CLOSED) ties the two maps together, and every read filters out an entry whose session has
     * CLOSED, answering "nobody". But the entry read may have closed only after a newer login
     * replaced it: the user was bound throughout, and the filter reports them offline
     * ({@link SessionManagerModel.Race#LOOKUP_DURING_RELOGIN}), skips them in a broadcast
     * ({@link SessionManagerModel.Race#WALK_DURING_RELOGIN}), and bind reports no displaced
     * session for one that was live when displaced
     * ({@link SessionManagerModel.Race#KICK_OF_A_SESSION_REMOVED_AFTERWARDS}).
     * stage3-lockfree/README.md draws the interleavings.
     */
    static final class ClosedEntryFilter implements SessionManager {
        private static final int CONNECTED = 0;
        private static final int BINDING = 1;
        private static final int BOUND = 2;
        private static final int CLOSED = 3;

        private record Entry(Session session, AtomicInteger state) {
            boolean isClosed() {
                return state.get() == CLOSED;
            }
        }

        private final ConcurrentHashMap<Long, Entry> byId = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Long, Entry> byUser = new ConcurrentHashMap<>();

        @Override
        public void add(Session session) {
            byId.put(session.id(), new Entry(session, new AtomicInteger(CONNECTED)));
        }

        @Override
        public Session bind(Session session) {
            Entry entry = byId.get(session.id());
            if (entry == null || entry.session() != session || !entry.state().compareAndSet(CONNECTED, BINDING)) {
                return null;
            }
            Entry displaced = byUser.put(session.userId(), entry);
            if (!entry.state().compareAndSet(BINDING, BOUND)) {
                byUser.remove(session.userId(), entry);
            }
            return displaced == null || displaced.isClosed() ? null : displaced.session(); // the filter
        }

        @Override
        public boolean remove(Session session) {
            Entry entry = byId.get(session.id());
            if (entry == null || entry.session() != session) {
                return false;
            }
            int last = entry.state().getAndSet(CLOSED);
            if (last == CLOSED) {
                return false;
            }
            byId.remove(session.id(), entry);
            if (last == BOUND) {
                byUser.remove(session.userId(), entry);
            }
            return true;
        }

        @Override
        public Session get(long sessionId) {
            Entry entry = byId.get(sessionId);
            return entry == null ? null : entry.session();
        }

        @Override
        public Session getByUserId(long userId) {
            Entry entry = byUser.get(userId);
            return entry == null || entry.isClosed() ? null : entry.session(); // the filter
        }

        @Override
        public int size() {
            return byId.size();
        }

        @Override
        public int userCount() {
            return byUser.size();
        }

        @Override
        public void forEachUser(Consumer<Session> action) {
            for (Entry entry : byUser.values()) {
                if (!entry.isClosed()) { // the filter
                    action.accept(entry.session());
                }
            }
        }
    }
}
