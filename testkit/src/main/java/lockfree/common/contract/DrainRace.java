package lockfree.common.contract;

import org.openjdk.jcstress.annotations.Outcome;

import java.util.function.Function;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The state of the stages' drain races under jcstress (Stage2_04_DrainFlag, Stage3_03_DrainSignal):
 * one send queue on a {@link ManualEventLoop}, with message 0 queued and its drain scheduled
 * before the actors start. Then, at once, a producer thread offers 1 ({@link #producer}), and the
 * session's event loop offers 2 and runs the pending drain ({@link #eventLoop}). The arbiter runs
 * every drain scheduled since ({@link #runLater}), as the event loop would later; a message still
 * queued after that ({@link #stranded}) was stranded.
 *
 * <p>Each stage's test runs its own queue on it and takes the outcomes every variant agrees on
 * from {@link Outcomes}. Stage 2's test also runs the broken
 * {@link BrokenSendQueues.DrainFlagClearedLate}: it depends on neither stage's queue, so it is
 * written and run once, for both. (jcstress takes no {@code @Actor} from a superclass, so each
 * test class keeps one-line actors that call these.)
 */
public final class DrainRace {
    /** Room for every message of the race: no offer is refused, so only a drain can lose one. */
    public static final int CAPACITY = 16;

    private final ManualEventLoop<Integer> eventLoop = new ManualEventLoop<>();
    private final SendQueue<Integer> queue;

    public DrainRace(Function<ManualEventLoop<Integer>, SendQueue<Integer>> queueOn) {
        queue = queueOn.apply(eventLoop);
        queue.offer(0);
    }

    /** The producer thread's offer. */
    public void producer() {
        queue.offer(1);
    }

    /** A delivery handled on this event loop (the second producer), then the pending drain. */
    public void eventLoop() {
        queue.offer(2);
        eventLoop.runPending();
    }

    /** The arbiter: the event loop runs, later, every drain scheduled since. */
    public void runLater() {
        eventLoop.runPending();
    }

    /** Messages written by the drains. */
    public int written() {
        return eventLoop.written.size();
    }

    /** Messages left in the queue with no drain scheduled to write them. */
    public int stranded() {
        return queue.size();
    }

    /**
     * The outcomes of the drain race (result: r1 = messages written, r2 = messages stranded) that
     * every variant agrees on: all three messages written, and nothing else. A test class extends
     * this and adds, with one {@code @Outcome} of its own, its verdict on a stranded message
     * ("2, 1" and "1, 2"): what the broken drain is built to show, or what the stage's queue must
     * never do.
     *
     * <p>jcstress reads a test's {@code @Outcome}s as Java presents them: {@code @Outcome} is
     * {@code @Inherited}, and so is the container that holds several. A class with one
     * {@code @Outcome} of its own therefore keeps these two as well; a class that declared two or
     * more would have a container of its own, which replaces this one, and would have to list
     * every outcome again. (The docs' table of each run reads the outcomes the same way.)
     */
    @Outcome(id = "3, 0", expect = ACCEPTABLE, desc = "All three written.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    public abstract static class Outcomes {
    }
}
