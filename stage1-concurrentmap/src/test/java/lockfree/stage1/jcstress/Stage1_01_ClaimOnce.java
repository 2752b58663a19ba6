package lockfree.stage1.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import java.util.concurrent.ConcurrentHashMap;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Check-then-act on a ConcurrentHashMap: containsKey + put.
 *
 * Every single call on a ConcurrentHashMap is atomic; two calls in a row are not. This is the
 * smallest form of the mistake, a minimal model rather than the stage's class: two threads each
 * try to claim key 7 ("only the first login of user 7 may bind"), and each must learn whether it
 * won.
 *
 *   ContainsKeyThenPut  if (!map.containsKey(7)) { map.put(7, me); won }           BROKEN
 *   PutIfAbsent         won = map.putIfAbsent(7, me) == null                       FIXED
 *
 * Both threads can pass containsKey before either puts: both think they won, and the first put is
 * silently overwritten. putIfAbsent does the check and the insert under the bin's lock, in one
 * step. The gateway's own rule is "the last login wins", which needs put's return value or
 * compute (Stage1_02), but the shape of the bug is the same.
 *
 * Result: r1 = thread 1 believes it claimed the key, r2 = thread 2 believes it did.
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage1 ci Stage1_01      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage1-concurrentmap/README.md, rendered from the committed raw output
 * stage1-concurrentmap/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage1_01_ClaimOnce {

    @JCStressTest
    @Outcome(id = {"true, false", "false, true"}, expect = ACCEPTABLE, desc = "Exactly one claimed the key.")
    @Outcome(id = "true, true", expect = ACCEPTABLE_INTERESTING,
            desc = "Both passed the check before either put: both believe they own user 7.")
    @Outcome(expect = FORBIDDEN, desc = "Nobody claimed the key.")
    @State
    public static class ContainsKeyThenPut {
        private final ConcurrentHashMap<Long, Integer> map = new ConcurrentHashMap<>();

        boolean claim(int me) {
            if (!map.containsKey(7L)) {
                map.put(7L, me);   // the other thread may have put between the check and here
                return true;
            }
            return false;
        }

        @Actor
        public void login1(ZZ_Result r) {
            r.r1 = claim(1);
        }

        @Actor
        public void login2(ZZ_Result r) {
            r.r2 = claim(2);
        }
    }

    @JCStressTest
    @Outcome(id = {"true, false", "false, true"}, expect = ACCEPTABLE, desc = "Exactly one claimed the key.")
    @Outcome(id = "true, true", expect = FORBIDDEN, desc = "Both believe they own user 7.")
    @Outcome(expect = FORBIDDEN, desc = "Nobody claimed the key.")
    @State
    public static class PutIfAbsent {
        private final ConcurrentHashMap<Long, Integer> map = new ConcurrentHashMap<>();

        @Actor
        public void login1(ZZ_Result r) {
            r.r1 = map.putIfAbsent(7L, 1) == null;
        }

        @Actor
        public void login2(ZZ_Result r) {
            r.r2 = map.putIfAbsent(7L, 2) == null;
        }
    }
}
