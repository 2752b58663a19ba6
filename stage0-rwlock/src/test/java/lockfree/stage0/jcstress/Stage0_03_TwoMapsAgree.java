package lockfree.stage0.jcstress;

import lockfree.common.contract.TwoMapsRace;
import lockfree.stage0.RwLockSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * The two maps change together.
 *
 * Session 1 of user 7 is logged in. Its connection closes (remove) while another thread looks it
 * up: first by session id, then by user id, as a delivery that started from a session id would.
 *
 * RwLockSessionManager changes both maps inside ONE write-lock section, and each lookup is a
 * read-lock section. A read section runs entirely before or entirely after the write section, never
 * between its two map updates. So once the session is gone from the id map, it is gone from the
 * user map too: "0, 1" cannot happen.
 *
 * The reader's two lookups are two read sections, not one, so the remove can fall between them:
 * "1, 0" is an ordinary interleaving, not a torn state.
 *
 * Stage 1 runs the same test against its two ConcurrentHashMaps (Stage1_04_TwoMapWindow). There
 * "0, 1" is possible: the price of dropping the global lock, and why stage 1 orders its steps.
 *
 * This uses the stage's real class only; the broken counterpart is stage 1.
 *
 * Result: r1 = found by session id, r2 = found by user id (1 = found, 0 = not found).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage0 ci Stage0_03      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage0-rwlock/README.md, rendered from the committed raw output
 * stage0-rwlock/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Both lookups before the close.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Both lookups after the close.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The close ran between the two lookups.")
@Outcome(id = "0, 1", expect = FORBIDDEN,
        desc = "Gone by session id but still bound by user id: a half-done remove was visible.")
@State
public class Stage0_03_TwoMapsAgree {
    private final TwoMapsRace race = new TwoMapsRace(new RwLockSessionManager());

    // One line each: the race is TwoMapsRace's, the same for every stage.
    @Actor public void close() { race.close(); }
    @Actor public void lookUp(II_Result r) { r.r1 = race.foundById(); r.r2 = race.foundByUser(); }
}
