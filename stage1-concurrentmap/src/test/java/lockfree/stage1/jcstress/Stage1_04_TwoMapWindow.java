package lockfree.stage1.jcstress;

import lockfree.common.contract.TwoMapsRace;
import lockfree.stage1.ConcurrentMapSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/*
 * The window between the two maps.
 *
 * Stage0_03 again, now against ConcurrentMapSessionManager, the stage's real class. Session 1 of
 * user 7 closes (remove) while another thread looks it up by session id, then by user id.
 *
 * Stage 0 changed both maps in one write-lock section, so "0, 1" was FORBIDDEN there. Here
 * remove() is two atomic steps on two maps: sessions.remove(1, s), then users.remove(7, s). A
 * reader that runs between them finds the session gone by id and still bound by user id: "0, 1".
 *
 * That state is ACCEPTABLE, and documented in the README: a delivery that finds the session by
 * user id in that window offers to the queue of a connection that is closing, which is exactly
 * what happens when the delivery arrives a microsecond before the close; the close discards what
 * is left. What the order of the two steps rules out is worse: bind() checks `sessions` inside
 * users.compute(), and remove() leaves `sessions` first, so a closed session is never bound again
 * (no resurrection). It is marked INTERESTING so that the report shows how often the window is hit.
 *
 * Result: r1 = found by session id, r2 = found by user id (1 = found, 0 = not found).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage1 ci Stage1_04      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage1-concurrentmap/README.md, rendered from the committed raw output
 * stage1-concurrentmap/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Both lookups before the close.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Both lookups after the close.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The close ran between the two lookups.")
@Outcome(id = "0, 1", expect = ACCEPTABLE_INTERESTING,
        desc = "Between the close's two steps: gone by session id, still bound by user id.")
@State
public class Stage1_04_TwoMapWindow {
    private final TwoMapsRace race = new TwoMapsRace(new ConcurrentMapSessionManager());

    // One line each: the race is TwoMapsRace's, the same for every stage.
    @Actor public void close() { race.close(); }
    @Actor public void lookUp(II_Result r) { r.r1 = race.foundById(); r.r2 = race.foundByUser(); }
}
