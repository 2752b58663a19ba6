package lockfree.common.contract;

import java.util.function.Consumer;

/**
 * A session manager that hands every call to another one. A broken variant extends it over a
 * stage's real manager and overrides only the step it gets wrong, so the variant is the stage's
 * code but for the lines that differ (stage 1's and stage 3's planted bugs, which their
 * {@code Stage*ModelCheckTeethTest} shows rejected).
 */
public abstract class ForwardingSessionManager implements SessionManager {
    private final SessionManager delegate;

    protected ForwardingSessionManager(SessionManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public void add(Session session) {
        delegate.add(session);
    }

    @Override
    public Session bind(Session session) {
        return delegate.bind(session);
    }

    @Override
    public boolean remove(Session session) {
        return delegate.remove(session);
    }

    @Override
    public Session get(long sessionId) {
        return delegate.get(sessionId);
    }

    @Override
    public Session getByUserId(long userId) {
        return delegate.getByUserId(userId);
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public int userCount() {
        return delegate.userCount();
    }

    @Override
    public void forEachUser(Consumer<Session> action) {
        delegate.forEachUser(action);
    }
}
