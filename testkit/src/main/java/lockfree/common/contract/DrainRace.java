package lockfree.common.contract;

import java.util.function.Function;

/**
 * The state of the stages' drain races under jcstress (Stage2_04_DrainFlag, Stage3_03_DrainSignal):
 * one send queue on a {@link ManualEventLoop}, with message 0 queued and its drain scheduled
 * before the actors start. Then, at once, a producer thread offers 1 ({@link #producer}), and the
 * session's event loop offers 2 and runs the pending drain ({@link #eventLoop}). The arbiter runs
 * every drain scheduled since ({@link #runLater}), as the event loop would later; a message still
 * queued after that ({@link #stranded}) was stranded.
 *
 * <p>Each stage's test keeps its outcomes and names the queue it runs: its own real queue, or the
 * broken {@link BrokenSendQueues.DrainFlagClearedLate} over its queue's storage. (jcstress takes
 * no {@code @Actor} from a superclass, so each test class keeps one-line actors that call these.)
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
}
