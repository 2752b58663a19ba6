package lockfree.exercises.ex08_cas_lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/*
 * Wrong solution: close() checks the state is not CLOSED, then set(CLOSED): two closers both win
 * Rejected by: SessionLifecycleTest.racingClosesHaveExactlyOneWinner
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
        if (state.get() == State.CLOSED) {
            return false;
        }
        state.set(State.CLOSED);
        return true;
    }
}
