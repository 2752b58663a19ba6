package lockfree.exercises.ex07_batched_drain;

import lockfree.common.contract.Outbound;
import lockfree.exercises.support.Races;
import lockfree.exercises.support.Together;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The offer that races a running drain, in a fixed scenario that Lincheck runs through its
 * interleavings. The contract's real consumer thread meets the bad interleaving on some runs only.
 */
class BatchingSendQueueRaceTest {
    /*
     * Lincheck tries the interleavings in the same order on every run; an offer that schedules
     * only when it found the queue empty fails by the 24th. 60 leaves room for a learner's drain
     * that reaches shared memory a few more times than the reference solution does.
     */
    private static final int INTERLEAVINGS = 60;

    /**
     * "a" is queued and its drain scheduled; the event loop runs that drain while a producer
     * offers "b". However they interleave, "b" is written: by the running drain, or by the drain
     * the offer scheduled, which the event loop runs next. An offer that schedules only when it
     * found the queue empty can look while "a" is still queued, and the drain then takes "a",
     * finds nothing more and ends before "b" lands.
     */
    @Test
    void anOfferDuringTheDrainIsNeverStranded() {
        Races.check(INTERLEAVINGS, () -> {
            OneDrainAtATime out = new OneDrainAtATime();
            BatchingSendQueue<String> q = new BatchingSendQueue<>(16, out);
            q.offer("a");
            Runnable drainOfA = out.takeScheduled();

            Together.run(drainOfA, () -> q.offer("b"));
            // The event loop carries on with whatever was scheduled meanwhile.
            for (Runnable next = out.takeScheduled(); next != null; next = out.takeScheduled()) {
                next.run();
            }

            assertEquals("ab", out.written, "a message offered during a drain was left in the queue");
            assertEquals(0, q.size());
        });
    }

    /**
     * An event loop with nothing but what this race needs: open, writable, and one scheduled drain
     * remembered for the test to run. Every read and write of shared memory is a place where
     * Lincheck may switch threads; common's ManualEventLoop counts and queues with atomics, and
     * here those places would only push the bad interleaving further down Lincheck's list.
     * Only the drain's thread writes, so {@code written} (the messages, in order) needs no lock.
     */
    private static final class OneDrainAtATime implements Outbound<String> {
        private Runnable scheduled;
        String written = "";

        Runnable takeScheduled() {
            Runnable r = scheduled;
            scheduled = null;
            return r;
        }

        @Override
        public void execute(Runnable drain) {
            scheduled = drain;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void write(String message) {
            written += message;
        }

        @Override
        public void flush() {
        }

        @Override
        public void discard(String message) {
            throw new AssertionError("discarded while the outbound is open: " + message);
        }
    }
}
