package lockfree.exercises.ex07_batched_drain;

import lockfree.common.contract.ManualEventLoop;
import lockfree.exercises.support.Races;
import lockfree.exercises.support.Together;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The offer that races a running drain, in a fixed scenario that Lincheck runs through its
 * interleavings. The contract's real consumer thread meets the bad interleaving on some runs only.
 */
class BatchingSendQueueRaceTest {
    private static final int INTERLEAVINGS = 150;

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
            ManualEventLoop<String> out = new ManualEventLoop<>();
            BatchingSendQueue<String> q = new BatchingSendQueue<>(16, out);
            q.offer("a");

            Together.run(out::runPending, () -> q.offer("b"));
            out.runPending(); // the event loop carries on with whatever was scheduled meanwhile

            assertEquals(List.of("a", "b"), out.written, "a message offered during a drain was left in the queue");
            assertEquals(0, q.size());
        });
    }
}
