package lockfree.exercises.ex08_cas_lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Exercise 8: a session's life as a lock-free state machine.
 *
 * <p>A connection is {@code CONNECTED}, then {@code LOGGED_IN}, then {@code CLOSED}, and several
 * threads want to move it at once: its event loop reads a login frame while the idle timer, a
 * kick from a re-login on another event loop, and the slow-consumer check all try to close it.
 * Stage 3 keeps the state in one atomic reference and moves it only with compare-and-set (CAS):
 * "if it is still X, make it Y". A CAS that fails means another thread moved first; look again
 * and decide.
 *
 * <ul>
 *   <li>{@link #login} moves CONNECTED to LOGGED_IN. It fails (false) if the session already
 *       logged in or closed: a login must never bring a closed session back to life.</li>
 *   <li>{@link #close} moves any state to CLOSED and returns true to exactly one caller, however
 *       many race: that caller, and only that one, releases the session's resources.</li>
 * </ul>
 * The trap is the check-then-act: {@code if (state.get() == CONNECTED) state.set(LOGGED_IN)}
 * lets a close slip in between the two calls, and the closed session is logged in again. The
 * tests run login and close (and close and close) through every interleaving with Lincheck.
 *
 * <p>Run: {@code ./exercises.sh run 8}
 */
public final class SessionLifecycle {
    public enum State { CONNECTED, LOGGED_IN, CLOSED }

    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTED);

    public State state() {
        return state.get();
    }

    /** CONNECTED -> LOGGED_IN; false if the session is not CONNECTED any more. */
    public boolean login() {
        throw new UnsupportedOperationException("TODO: move CONNECTED to LOGGED_IN with one compareAndSet");
    }

    /** Any state -> CLOSED; true for the one call that closed it, false for every later or losing call. */
    public boolean close() {
        throw new UnsupportedOperationException("TODO: loop: read the state; if CLOSED return false;"
                + " else compareAndSet it to CLOSED and return true if that CAS won");
    }
}
