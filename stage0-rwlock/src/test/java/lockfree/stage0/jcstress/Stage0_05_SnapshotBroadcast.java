package lockfree.stage0.jcstress;

import lockfree.common.contract.BroadcastRace;
import lockfree.stage0.RwLockSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * What a broadcast sees of logins that happen while it runs: a snapshot.
 *
 * RwLockSessionManager.forEachUser (the stage's real class) copies every bound session under ONE
 * read-lock section, then calls the action on the copy. User E has been online all along; while
 * the broadcast runs, one thread logs in user L and then user H, in that order.
 *
 * The copy happens at one instant between write sections, so the broadcast sees the users as they
 * were at that instant: nobody, L, or L and H. It can never see H without L, because H logged in
 * after L. Stage 2's shard-by-shard walk gives this up (Stage2_03_WeakBroadcast, where "0, 1, 1"
 * is possible); ConcurrentHashMap's iteration in stage 1 gives it up too.
 *
 * Result: r1 = L visited, r2 = H visited (times each), r3 = E visited (times).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage0 ci Stage0_05      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage0-rwlock/README.md, rendered from the committed raw output
 * stage0-rwlock/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
@JCStressTest
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "Snapshot before both logins.")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "Snapshot between the two logins.")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "Snapshot after both logins.")
@Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "Saw H without L, who logged in first: not a snapshot.")
@Outcome(expect = FORBIDDEN, desc = "E (online throughout) missed or visited twice, or a login visited twice.")
@State
public class Stage0_05_SnapshotBroadcast {
    static final long L = 11;
    static final long H = 12;
    static final long E = 13;

    private final BroadcastRace race = new BroadcastRace(new RwLockSessionManager(), L, H, E);

    // One line each: the race is BroadcastRace's, the same for every stage.
    @Actor public void loginLThenH() { race.loginLThenH(); }
    @Actor public void broadcast(III_Result r) { int[] seen = race.broadcast(); r.r1 = seen[0]; r.r2 = seen[1]; r.r3 = seen[2]; }
}
