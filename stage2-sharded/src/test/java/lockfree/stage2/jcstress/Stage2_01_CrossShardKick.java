package lockfree.stage2.jcstress;

import lockfree.common.contract.OneUserRace;
import lockfree.stage2.ShardedSessionManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Two logins of one user at once, when each bind spans two shards.
 *
 * Stage0_02 again against ShardedSessionManager (32 shards), the stage's real class. The ids are
 * picked so that every bind crosses shards: user 7 lives in shard U, session B in a shard BELOW U
 * and session C in a shard ABOVE U. bind() holds the session's id shard (read lock, "is it still
 * registered?") and the user's shard (write lock, "install, return the displaced one") at once,
 * taking them lower index first. So B's bind locks (B's shard, U) and C's bind locks (U, C's shard):
 * both take U, and U's write lock orders them as stage 0's global lock did.
 *
 * If the two binds took their locks in opposite orders they could deadlock (B holds its shard and
 * waits for U while someone holding U waits for B's). Here they cannot, and a deadlock would show
 * as a hung test, reported by jcstress as an error and failing the run.
 *
 * There is no broken variant in this file: the check-then-act version is Stage0_02/Stage1_02, and
 * the way sharding itself breaks a bind (checking and installing under two separate lock sections)
 * is Stage2_02.
 *
 * Result: r1 = the session bind(B) displaced, r2 = the one bind(C) displaced, r3 = who user 7 is
 * bound to at the end (0 = nobody, 1 = A, 2 = B, 3 = C).
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage2 ci Stage2_01      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage2-sharded/README.md, rendered from the committed raw output
 * stage2-sharded/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
@JCStressTest
@Outcome(id = {"1, 1, 2", "1, 1, 3"}, expect = FORBIDDEN, desc = "Both found A: a login overwritten without a kick.")
@State
public class Stage2_01_CrossShardKick extends OneUserRace.ReLoginOutcomes {
    static final long USER = OneUserRace.USER;
    static final int USER_SHARD = Shards.of(USER);
    // Session ids 1..3 would be simpler to read, but their shards are fixed by the hash: pick ids
    // by shard instead and report them as 1 (A), 2 (B), 3 (C).
    static final long A = Shards.firstKey(0, s -> s != USER_SHARD);
    static final long B = Shards.firstKey(0, s -> s < USER_SHARD);
    static final long C = Shards.firstKey(0, s -> s > USER_SHARD);

    private final OneUserRace race = OneUserRace.on(new ShardedSessionManager(), A, B, C);

    // One line each: the race is OneUserRace's, the same for every stage (sessions, coding).
    @Actor public void loginB(III_Result r) { r.r1 = race.loginB(); }
    @Actor public void loginC(III_Result r) { r.r2 = race.loginC(); }
    @Arbiter public void bound(III_Result r) { r.r3 = race.bound(); }
}
