package lockfree.stage3.jcstress;

import lockfree.common.contract.DrainRace;
import lockfree.stage3.MpscSendQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * The drain's missed wake-up: two producers and a drain that is just finishing.
 *
 * Message 0 is queued and its drain scheduled before the test starts. Then, at once: a producer
 * thread offers 1, and the session's event loop offers 2 (a delivery handled on the same event
 * loop) and runs the pending drain. The arbiter runs every drain scheduled since, as the event
 * loop would later. A message still queued after that is stranded: it sits there until some
 * later offer happens to schedule a drain, which for a quiet user may be never.
 *
 * (A third, separate producer thread would make three actors; jcstress cannot schedule three
 * actors on this 2-CPU machine and skips such tests, so the second producer is the event loop.)
 *
 *   RealQueue      (MpscSendQueue: a counter of signals instead of a flag; the drain
 *                   subtracts what it has seen and goes round again if anything is left) FIXED
 *
 * The broken variant is the flag cleared after the drain's last (empty) poll, with no re-check:
 * Stage2_04_DrainFlag.ClearAfter, run in stage 2's chapter against the same DrainRace. It does not
 * depend on either stage's queue, so it is written and run once, there. Its race: an offer that
 * lands after the last poll but before the clear sees the flag still set and schedules nothing,
 * and the drain exits without looking again. In MpscSendQueue that producer's increment makes
 * the drain's getAndAdd(-missed) return non-zero, and the drain goes round again; a producer that
 * comes after the decrement finds zero and schedules a new drain. (Stage 2's BatchingSendQueue
 * closes the same window differently: it clears its flag BEFORE polling.)
 *
 * Result: r1 = messages written, r2 = messages stranded in the queue.
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage3 ci Stage3_03      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage3-lockfree/README.md, rendered from the committed raw output
 * stage3-lockfree/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage3_03_DrainSignal {

    @JCStressTest
    @Outcome(id = {"2, 1", "1, 2"}, expect = FORBIDDEN, desc = "A message stranded.")
    @State
    public static class RealQueue extends DrainRace.Outcomes {
        private final DrainRace race = new DrainRace(loop -> new MpscSendQueue<>(DrainRace.CAPACITY, loop));

        @Actor public void producer1() { race.producer(); }
        @Actor public void eventLoop() { race.eventLoop(); }
        @Arbiter public void result(II_Result r) { race.runLater(); r.r1 = race.written(); r.r2 = race.stranded(); }
    }
}
