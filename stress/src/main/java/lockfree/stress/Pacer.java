package lockfree.stress;

import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop schedule: message {@code i} is due at {@code start + i / rate}, whatever happened
 * to the messages before it.
 *
 * <p>This is what keeps the measurement honest. A closed-loop client (send, wait for the answer,
 * send the next) slows down exactly when the gateway does, so it sends fewer messages into the
 * bad moments and the stall shows up once instead of in every message that should have been sent
 * meanwhile: coordinated omission. Here each message carries its <em>due</em> time, not the time
 * it actually left; if the sender itself falls behind, that delay counts as latency too, which is
 * what a user whose message was due then would have seen.
 */
final class Pacer {
    private final long startNanos;
    private final double nanosPerMessage;

    Pacer(long startNanos, double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + perSecond);
        }
        this.startNanos = startNanos;
        this.nanosPerMessage = 1e9 / perSecond;
    }

    /** When message {@code i} (from 0) is due. */
    long dueNanos(long i) {
        return startNanos + (long) (i * nanosPerMessage);
    }

    /** Parks until message {@code i} is due (returns at once if it is late); returns its due time. */
    long awaitDue(long i) {
        long due = dueNanos(i);
        for (long left; (left = due - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
        return due;
    }
}
