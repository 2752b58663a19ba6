package lockfree.stage3;

import lockfree.common.contract.ForwardingSessionManager;
import lockfree.common.contract.Session;
import lockfree.common.contract.SessionManagerModel;

import java.util.function.Consumer;

/**
 * Stage 3 with a filter on its reads, a planted mistake: {@link LockFreeSessionManager} itself,
 * and every read leaves out a session whose entry has CLOSED, answering "nobody". But the entry
 * read may have closed only after a newer login replaced it: the user was bound throughout, and
 * the filter reports them offline ({@link SessionManagerModel.Race#LOOKUP_DURING_RELOGIN}), skips
 * them in a broadcast ({@link SessionManagerModel.Race#WALK_DURING_RELOGIN}), and bind reports no
 * displaced session for one that was live when displaced
 * ({@link SessionManagerModel.Race#KICK_OF_A_SESSION_REMOVED_AFTERWARDS}).
 * {@code Stage3ModelCheckTeethTest} proves each race rejects it; stage3-lockfree/README.md draws
 * the interleavings.
 */
final class ClosedEntryFilter extends ForwardingSessionManager {
    private final SessionRegistry bySession;

    ClosedEntryFilter() {
        this(new SessionRegistry());
    }

    private ClosedEntryFilter(SessionRegistry bySession) {
        super(new LockFreeSessionManager(bySession, () -> { }));
        this.bySession = bySession;
    }

    /** The session's entry has CLOSED (or its remove has already taken it out of the registry). */
    private boolean isClosed(Session session) {
        LockFreeSessionManager.Entry entry = bySession.get(session.id());
        return entry == null || entry.session != session || entry.state() == LockFreeSessionManager.CLOSED;
    }

    @Override
    public Session bind(Session session) {
        Session displaced = super.bind(session);
        return displaced == null || isClosed(displaced) ? null : displaced; // the filter
    }

    @Override
    public Session getByUserId(long userId) {
        Session bound = super.getByUserId(userId);
        return bound == null || isClosed(bound) ? null : bound; // the filter
    }

    @Override
    public void forEachUser(Consumer<Session> action) {
        super.forEachUser(session -> {
            if (!isClosed(session)) { // the filter
                action.accept(session);
            }
        });
    }
}
