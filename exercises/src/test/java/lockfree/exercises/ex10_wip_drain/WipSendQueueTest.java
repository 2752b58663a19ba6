package lockfree.exercises.ex10_wip_drain;

import lockfree.common.contract.ManualEventLoop;
import lockfree.exercises.support.Together;
import lockfree.exercises.support.Races;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quick check: the drain's races under Lincheck. {@link WipSendQueueContractTest}, the rules
 * every stage's send queue keeps on a real consumer thread, is the thorough check.
 */
class WipSendQueueTest {
    private static final int INVOCATIONS = 20;

    /**
     * The stranded-message race. "a" is queued and its drain scheduled; then the event loop runs
     * that drain while a producer offers "b". However the two interleave, "b" must be written: by
     * the running drain, or by a drain the offer scheduled, which the event loop runs next.
     */
    @Test
    void anOfferDuringTheDrainIsNeverStranded() {
        Races.check(INVOCATIONS, () -> {
            ManualEventLoop<String> out = new ManualEventLoop<>();
            WipSendQueue<String> q = new WipSendQueue<>(16, out);
            q.offer("a");

            Together.run(out::runPending, () -> q.offer("b"));
            out.runPending(); // the event loop carries on with whatever was scheduled meanwhile

            assertEquals(List.of("a", "b"), out.written, "a message offered during a drain was left in the queue");
            assertEquals(0, q.size());
            assertFalse(out.overlapped(), "two drains ran at once");
        });
    }

    /**
     * One place left and two producers offer at once, the event loop busy elsewhere: exactly one
     * offer is accepted. A bound checked before it is taken (read the count, compare, then
     * increment) lets both producers see the place free and both take it.
     */
    @Test
    void twoOffersRacingForTheLastPlaceOneIsAccepted() {
        Races.check(INVOCATIONS, () -> {
            ManualEventLoop<String> out = new ManualEventLoop<>();
            WipSendQueue<String> q = new WipSendQueue<>(2, out);
            q.offer("x");
            boolean[] accepted = new boolean[2];

            Together.run(() -> accepted[0] = q.offer("a"), () -> accepted[1] = q.offer("b"));

            assertTrue(accepted[0] ^ accepted[1], "a queue of capacity 2 holding one message accepted "
                    + (accepted[0] && accepted[1] ? "both" : "neither") + " of two offers: take the place"
                    + " (incrementAndGet) and then compare, giving it back if it was over");
            assertEquals(2, q.size());
        });
    }

    /** Two producers at once, event loop busy elsewhere: one drain task for both, not two. */
    @Test
    void concurrentOffersScheduleOneDrain() {
        Races.check(INVOCATIONS, () -> {
            ManualEventLoop<String> out = new ManualEventLoop<>();
            WipSendQueue<String> q = new WipSendQueue<>(16, out);

            Together.run(() -> q.offer("a"), () -> q.offer("b"));

            assertEquals(1, out.waiting(), "drain tasks scheduled for two offers");
            out.runPending();
            assertEquals(2, out.written.size());
            assertEquals(1, out.flushes, "one drain, one flush");
        });
    }

    /**
     * The gateway's scheduleDrain (the channel turned writable again) arrives while a drain runs:
     * it must neither start a second drain beside the running one nor lose the request.
     */
    @Test
    void scheduleDrainRacingADrainLosesNothing() {
        Races.check(INVOCATIONS, () -> {
            ManualEventLoop<String> out = new ManualEventLoop<>();
            WipSendQueue<String> q = new WipSendQueue<>(16, out);
            q.offer("a");
            q.offer("b");

            Together.run(out::runPending, q::scheduleDrain);
            out.runPending();

            assertEquals(List.of("a", "b"), out.written);
            assertFalse(out.overlapped(), "two drains ran at once");
            assertEquals(0, out.waiting(), "a drain request was left behind");
        });
    }
}
