package lockfree.common.transport;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Errors no handler foresaw: each is counted, and logged with its stack trace at a bounded rate.
 * Process-wide on purpose (shared by every connection of every gateway in the JVM), so the log's
 * volume is bounded for the whole process, and the hostile suites can watch one count.
 */
final class UnexpectedErrors {
    private static final Logger log = LoggerFactory.getLogger(UnexpectedErrors.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private static final AtomicLong unlogged = new AtomicLong();
    /** Every unexpected error since the JVM started, logged or not: what the hostile suites watch. */
    private static final AtomicLong unexpected = new AtomicLong();

    private UnexpectedErrors() {
    }

    /*
     * An error we did not foresee is worth a stack trace, but if a client can trigger it, it can
     * trigger it in a loop: one stack trace per LOG_EVERY at most, the rest counted in the next.
     * Every event loop may get here at once; the CAS lets exactly one of those that see the
     * period over take it. A count that lands between another loop's getAndSet and its log line
     * is reported with the next one: never lost, at worst late.
     */
    static void report(Channel ch, Throwable cause) {
        unexpected.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            long quiet = unlogged.getAndSet(0);
            log.warn("closing {} after an unexpected error{}", ch,
                    quiet == 0 ? "" : " (" + quiet + " more since the last one were not logged)", cause);
        } else {
            unlogged.incrementAndGet();
        }
    }

    /** How many errors no handler foresaw, in this JVM so far (logged or not). */
    static long count() {
        return unexpected.get();
    }
}
