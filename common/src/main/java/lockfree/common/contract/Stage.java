package lockfree.common.contract;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What makes one stage of the workshop different from the others: its {@link SessionManager} and
 * its {@link SendQueue}. Everything else (transport, protocol, router, metrics) is common.
 *
 * @param name     short name shown in logs, /health and /metrics, e.g. {@code stage0-rwlock}
 * @param title    one line saying what the stage is, for the start-up banner
 * @param sessions builds the session manager (once per gateway)
 * @param queues   builds each connection's send queue
 */
public record Stage(String name, String title, Supplier<SessionManager> sessions, SendQueue.Factory queues) {
    public Stage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(queues, "queues");
    }
}
