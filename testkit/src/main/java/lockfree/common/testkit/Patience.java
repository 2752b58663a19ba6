package lockfree.common.testkit;

import java.time.Duration;

/**
 * How long a test waits for something that must happen: one factor for the whole build.
 *
 * <p>A wait in a test is a bound on a machine's slowness, not a claim about speed: a correct
 * gateway on a busy laptop may answer ten times later than on a quiet CI machine, and must still
 * pass. So every wait that would fail a test when it runs out is written as a base duration,
 * generous on a quiet 2-core machine, and multiplied here by {@code -Dlockfree.patience=N}
 * (default 1; {@code ./mvnw verify -Dlockfree.patience=4} on a very slow machine). Waits that
 * only look for something that must NOT happen ("no second message within 200 ms") are not
 * scaled: a slow machine can make them miss a bug, never fail a correct implementation.
 *
 * <p>Speed is measured by the benchmarks and the stress tool, never asserted here.
 */
public final class Patience {
    /** The factor every scaled wait is multiplied by; at least 1. */
    public static final double FACTOR = factor(System.getProperty("lockfree.patience", "1"));

    private Patience() {
    }

    /** {@code base} times the factor. */
    public static Duration of(Duration base) {
        return Duration.ofNanos((long) (base.toNanos() * FACTOR));
    }

    /** {@code seconds} times the factor. */
    public static Duration seconds(long seconds) {
        return of(Duration.ofSeconds(seconds));
    }

    /** {@code millis} times the factor, in milliseconds. */
    public static long millis(long millis) {
        return (long) (millis * FACTOR);
    }

    static double factor(String text) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dlockfree.patience must be a number, got '" + text + "'", e);
        }
        if (!(value >= 1)) {
            throw new IllegalArgumentException("-Dlockfree.patience must be at least 1, got " + text);
        }
        return value;
    }
}
