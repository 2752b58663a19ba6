package lockfree.stage1;

import lockfree.common.contract.ForwardingSessionManager;
import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManagerModel;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Stage 1's manager with one planted mistake each, the ones people make when they first write
 * this code. Each is {@link ConcurrentMapSessionManager} itself, over the same two maps, with the
 * one step it gets wrong redone beside it. They exist to be rejected:
 * {@code Stage1ModelCheckTeethTest} proves that {@link SessionManagerModel} finds every one of
 * them. Each says which race it loses and which fixed scenario shows it.
 */
final class BrokenConcurrentMapManagers {
    private BrokenConcurrentMapManagers() {
    }

    /** The stage's manager, and its two maps for the step a variant redoes. */
    abstract static class OnStage1Maps extends ForwardingSessionManager {
        final ConcurrentHashMap<Long, Session> sessions;
        final ConcurrentHashMap<Long, Session> users;

        OnStage1Maps() {
            this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        }

        private OnStage1Maps(ConcurrentHashMap<Long, Session> sessions, ConcurrentHashMap<Long, Session> users) {
            super(new ConcurrentMapSessionManager(sessions, users));
            this.sessions = sessions;
            this.users = users;
        }
    }

    /**
     * remove unbinds the user whoever they are bound to now. The old connection's close, arriving
     * after the user logged in again, unbinds the new session: the user is unreachable.
     * Shown by {@link SessionManagerModel.Race#CONDITIONAL_REMOVE}, and by any sequential run.
     */
    static final class UnconditionalRemove extends OnStage1Maps {
        @Override
        public boolean remove(Session session) {
            if (!sessions.remove(session.id(), session)) {
                return false;
            }
            users.remove(session.userId()); // should be remove(uid, session)
            return true;
        }
    }

    /**
     * bind reads the displaced session, then installs the new one, in two steps. Two logins of one
     * user both read "nobody" and both install themselves: the loser is never kicked.
     * Shown by {@link SessionManagerModel.Race#TWO_LOGINS_OF_ONE_USER}.
     */
    static final class GetThenPutBind extends OnStage1Maps {
        @Override
        public Session bind(Session session) {
            if (sessions.get(session.id()) != session) {
                return null;
            }
            Session displaced = users.get(session.userId());
            users.put(session.userId(), session); // another login may have read the same `displaced`
            return displaced == session ? null : displaced;
        }
    }

    /**
     * bind checks that the session is still registered, then installs it, in two steps: its own
     * remove can run in between, and the closed session stays bound (resurrected).
     * Shown by {@link SessionManagerModel.Race#BIND_RACES_OWN_REMOVE}.
     */
    static final class CheckThenBind extends OnStage1Maps {
        @Override
        public Session bind(Session session) {
            if (sessions.get(session.id()) != session) {
                return null;
            }
            Session displaced = users.put(session.userId(), session); // its remove may have run since the check
            return displaced == session ? null : displaced;
        }
    }
}
