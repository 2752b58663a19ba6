package lockfree.exercises.ex08_cas_lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/*
 * Wrong solution: close() is one compareAndSet(LOGGED_IN, CLOSED): a session that never logged in cannot close
 * Rejected by: SessionLifecycleTest.aClosedSessionCannotLogIn
 */
public final class SessionLifecycle {
    public enum State { CONNECTED, LOGGED_IN, CLOSED }

    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTED);

    public State state() {
        return state.get();
    }

    public boolean login() {
        // One CAS: succeeds only if nobody moved the state since CONNECTED. A close that came
        // first makes it fail; a close that comes later sees LOGGED_IN and closes that.
        return state.compareAndSet(State.CONNECTED, State.LOGGED_IN);
    }

    public boolean close() {
        return state.compareAndSet(State.LOGGED_IN, State.CLOSED);
    }
}
