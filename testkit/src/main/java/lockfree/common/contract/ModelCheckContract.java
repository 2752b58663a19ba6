package lockfree.common.contract;

import org.junit.jupiter.api.Test;

/**
 * The model-checking half of the contract kit: a stage's {@link SessionManager} and
 * {@link SendQueue} under Lincheck ({@link SessionManagerModel}, {@link SendQueueModel}), each
 * against a sequential specification written from the interfaces' javadoc, with the named races
 * explored in every run. A stage runs it with:
 *
 * <pre>{@code
 * class Stage0ModelCheckTest extends ModelCheckContract {
 *     protected SessionManager newManager() { return new RwLockSessionManager(); }
 *     protected SendQueue.Factory queues() { return LockedSendQueue::new; }
 * }
 * }</pre>
 *
 * <p>Lincheck explores interleavings under sequential consistency: it finds a missing atomic
 * step or a wrong hand-off, not a missing fence. Weak-memory reorderings are what each stage's
 * jcstress tests are for. {@code ModelCheckTeethTest} proves the kit rejects planted bugs.
 */
public abstract class ModelCheckContract {

    /** A new, empty manager of the stage under test. */
    protected abstract SessionManager newManager();

    /** How the stage builds its send queues. */
    protected abstract SendQueue.Factory queues();

    /**
     * Whether the stage's javadoc promises linearizability when a session's own calls race each
     * other: its bind and its own remove, or two binds of it (stages 0-2 do). In the gateway a
     * session's calls all run on the connection's event loop, so they never race; a stage that
     * does not promise it still must not resurrect the session, which
     * {@code SessionManagerContract} checks.
     */
    protected boolean bindMayRaceOwnRemove() {
        return true;
    }

    @Test
    void sessionManagerMatchesItsSpecificationInEveryExploredInterleaving() {
        SessionManagerModel.check(this::newManager, bindMayRaceOwnRemove());
    }

    @Test
    void sendQueueStrandsNothingAndKeepsItsBoundInEveryExploredInterleaving() {
        SendQueueModel.check(queues());
    }
}
