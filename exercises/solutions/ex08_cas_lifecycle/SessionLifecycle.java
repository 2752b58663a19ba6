package lockfree.exercises.ex08_cas_lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Reference solution of exercise 8: compareAndSet for every transition.
 * Not stage 3's class: LockFreeSessionManager's Entry runs a four-state machine on a VarHandle
 * inside the session table; the exercise is the CAS discipline on three states alone.
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
        while (true) {
            State current = state.get();
            if (current == State.CLOSED) {
                return false;
            }
            // Fails only if another thread changed the state since we read it (a login, or a
            // close that won): read again and decide on the new state.
            if (state.compareAndSet(current, State.CLOSED)) {
                return true;
            }
        }
    }
}
