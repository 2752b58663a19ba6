package lockfree.bench.limit;

import lockfree.common.contract.SessionManager;
import lockfree.common.contract.SessionManagerContract;
import lockfree.common.testkit.SynchronizedStage;

/**
 * The session-table limit does the stages' work, rule for rule: with one lock around every call
 * (the only thing it leaves out; the test kit's {@link SynchronizedStage.Sessions} adds it) it
 * passes the whole contract, the concurrent tests included. So at one thread, where the benchmark
 * runs it, it computes what every stage computes.
 */
class LimitSessionManagerTest extends SessionManagerContract {

    @Override
    protected SessionManager newManager() {
        return new SynchronizedStage.Sessions(new LimitSessionManager());
    }
}
