package lockfree.stage2.jcstress;

import lockfree.common.contract.BrokenSendQueues;
import lockfree.common.contract.DrainRace;
import lockfree.stage2.BatchingSendQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.LinkedBlockingQueue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * The batched drain's flag: where it is cleared decides whether a message can be stranded.
 *
 * Stage 2 stops scheduling one drain per offer: a flag says "a drain is pending", and only the
 * offer that flips it false -> true schedules one. Message 0 is queued and its drain scheduled
 * before the test starts. Then, at once: a producer thread offers 1, and the session's event loop
 * offers 2 (a delivery handled on the same event loop, as when sender and recipient share one)
 * and runs the pending drain. The arbiter runs every drain scheduled since, as the event loop
 * would later; a message still queued after that is stranded.
 *
 * (Two producer threads and a separate event-loop thread would be three actors; jcstress cannot
 * schedule three actors on this 2-CPU machine and skips such tests, so the second producer is the
 * event loop itself. The race is between the other producer's offer and the finishing drain.)
 *
 *   ClearAfter   (minimal model: common's BrokenSendQueues.DrainFlagClearedLate over the same
 *                 LinkedBlockingQueue; the drain clears the flag after its last, empty, poll) BROKEN
 *   RealQueue    (BatchingSendQueue: clears the flag BEFORE its first poll)              FIXED
 *
 * ClearAfter: a producer whose offer lands between the drain's empty poll and the clear sees the
 * flag still set and schedules nothing; the drain then clears the flag and exits. BatchingSendQueue
 * clears first, so a producer that sees the flag set enqueued before the clear, hence before the
 * polls that follow, which find its message; a producer that sees it clear schedules a new drain.
 * The price is an occasional drain that finds nothing. Stage 3 keeps the flag's job but makes it a
 * counter, so the drain re-checks instead (Stage3_03_DrainSignal).
 *
 * The window is a few instructions wide, so a short run may not strand a message at all; ClearAfter
 * also has a long run (stage2-sharded/docs/jcstress-long.txt, rendered in the chapter), which
 * gives it far more chances.
 *
 * Result: r1 = messages written, r2 = messages stranded in the queue.
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage2 ci Stage2_04      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage2-sharded/README.md, rendered from the committed raw output
 * stage2-sharded/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage2_04_DrainFlag {

    @JCStressTest
    @Outcome(id = {"2, 1", "1, 2"}, expect = ACCEPTABLE_INTERESTING,
            desc = "Offered after the drain's last poll, before its clear: stranded.")
    @State
    public static class ClearAfter extends DrainRace.Outcomes {
        private final DrainRace race = new DrainRace(
                loop -> new BrokenSendQueues.DrainFlagClearedLate<>(new LinkedBlockingQueue<>(DrainRace.CAPACITY), loop));

        // One line each: the race is DrainRace's, the same for every queue (the offers, the drains).
        @Actor public void producer1() { race.producer(); }
        @Actor public void eventLoop() { race.eventLoop(); }
        @Arbiter public void result(II_Result r) { race.runLater(); r.r1 = race.written(); r.r2 = race.stranded(); }
    }

    @JCStressTest
    @Outcome(id = {"2, 1", "1, 2"}, expect = FORBIDDEN, desc = "A message stranded.")
    @State
    public static class RealQueue extends DrainRace.Outcomes {
        private final DrainRace race = new DrainRace(loop -> new BatchingSendQueue<>(DrainRace.CAPACITY, loop));

        @Actor public void producer1() { race.producer(); }
        @Actor public void eventLoop() { race.eventLoop(); }
        @Arbiter public void result(II_Result r) { race.runLater(); r.r1 = race.written(); r.r2 = race.stranded(); }
    }
}
