package lockfree.common.contract;

import org.jetbrains.lincheck.LincheckAssertionError;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What "the model checker rejects it" means, for a planted bug and for a stage's documented
 * window alike: the fixed race, run alone, fails, and for the right reason (a result no order of
 * the operations explains, or a stranded message), not for a crash or a timeout. Lincheck's error,
 * which {@link #rejected(SendQueue.Factory, SendQueueModel.BoundRace)} returns, prints the
 * interleaving that showed it.
 */
public final class ModelCheckTeeth {
    private ModelCheckTeeth() {
    }

    /** Rejected by {@code race}: some explored interleaving answers what no sequential order does. */
    public static void rejected(Supplier<? extends SessionManager> manager, SessionManagerModel.Race race) {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> SessionManagerModel.checkRaces(manager, List.of(race)));
        assertTrue(e.getMessage().contains("Invalid execution results"),
                "rejected for another reason than a result no order of the operations explains: " + e.getMessage());
    }

    /** Rejected by {@code race}: some explored interleaving strands a message. */
    public static void rejected(SendQueue.Factory queues, SendQueueModel.Race race) {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> SendQueueModel.checkRaces(queues, List.of(race)));
        assertTrue(e.getMessage().contains("stranded"), "rejected for another reason than a stranded message: " + e.getMessage());
    }

    /** Rejected by the bound's {@code race}: some explored interleaving accepts or refuses what no sequential order does. */
    public static LincheckAssertionError rejected(SendQueue.Factory queues, SendQueueModel.BoundRace race) {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> SendQueueModel.checkBoundRaces(queues, List.of(race)));
        assertTrue(e.getMessage().contains("Invalid execution results"),
                "rejected for another reason than an offer no order of the operations explains: " + e.getMessage());
        return e;
    }
}
