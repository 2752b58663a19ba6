package lockfree.stage3.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * The plan's atomic metrics counters: two threads each count one delivered push.
 *
 * A minimal model, because the lesson is the bare mechanism: the gateway's own counters are
 * Prometheus counters (striped, like LongAdder) in common's GatewayMetrics.
 *
 *   GetThenSet       c.set(c.get() + 1) on an AtomicLong                              BROKEN
 *   IncrementAndGet  c.incrementAndGet(): one LOCK XADD on x86, a CAS loop elsewhere  FIXED
 *   Adder            LongAdder.increment(): threads that collide move to their own
 *                    cell, and sum() adds the cells; cheaper when many threads count  FIXED
 *
 * GetThenSet uses an AtomicLong and is still wrong: each access is atomic and volatile, but the
 * read-modify-write is three steps, so both threads can read 0 and both write 1. Using an atomic
 * type does not make a sequence of calls on it atomic, the same lesson as Stage1_01 on a map.
 *
 * Result: the count after both threads counted once.
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh stage3 ci Stage3_04      (longer: mode long, or a jcstress preset)
 *
 * What a run saw (each outcome's count, whether the race showed): the table of "What jcstress
 * shows" in stage3-lockfree/README.md, rendered from the committed raw output
 * stage3-lockfree/docs/jcstress-ci.txt (RECORD=1 ./jcstress.sh all ci writes it); not copied
 * here, so it has one source.
 */
public class Stage3_04_LostUpdate {

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both pushes counted.")
    @Outcome(id = "1", expect = ACCEPTABLE_INTERESTING, desc = "Both read 0 and wrote 1: one push lost from the count.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class GetThenSet {
        private final AtomicLong pushes = new AtomicLong();

        @Actor
        public void deliver1() {
            pushes.set(pushes.get() + 1);
        }

        @Actor
        public void deliver2() {
            pushes.set(pushes.get() + 1);
        }

        @Arbiter
        public void count(J_Result r) {
            r.r1 = pushes.get();
        }
    }

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both pushes counted.")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "One push lost from the count.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class IncrementAndGet {
        private final AtomicLong pushes = new AtomicLong();

        @Actor
        public void deliver1() {
            pushes.incrementAndGet();
        }

        @Actor
        public void deliver2() {
            pushes.incrementAndGet();
        }

        @Arbiter
        public void count(J_Result r) {
            r.r1 = pushes.get();
        }
    }

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both pushes counted.")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "One push lost from the count.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class Adder {
        private final LongAdder pushes = new LongAdder();

        @Actor
        public void deliver1() {
            pushes.increment();
        }

        @Actor
        public void deliver2() {
            pushes.increment();
        }

        @Arbiter
        public void count(J_Result r) {
            r.r1 = pushes.sum();   // exact here: the arbiter runs after both increments
        }
    }
}
