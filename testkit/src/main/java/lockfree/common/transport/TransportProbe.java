package lockfree.common.transport;

/**
 * What the hostile suites (in another package) may read of the transport's insides, and nothing
 * else: the count of errors no handler foresaw, each of which is logged with a stack trace (at a
 * bounded rate). A client that can raise it has found a path nobody thought through.
 */
public final class TransportProbe {
    private TransportProbe() {
    }

    /** Errors no handler foresaw, in this JVM so far, logged or not. */
    public static long unexpectedErrors() {
        return UnexpectedErrors.count();
    }
}
