package lockfree.exercises.jcstress;

import lockfree.exercises.ex09_mpsc_ring.MpscRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Exercise 9's ring: a slot's sequence must publish its element.
 *
 * What Lincheck cannot check for exercise 9: it runs interleavings under sequential consistency, so
 * a ring whose sequences and elements are plain fields (no release on the producer's sequence
 * store, no acquire on the consumer's sequence load) passes its tests. Here the JVM and the CPU
 * run the real code: a producer offers a freshly made payload while the consumer polls, and the
 * arbiter polls once more afterwards.
 *
 *   r1: what the racing poll saw: -1 for nothing yet, else the payload's value as read;
 *   r2: what the poll after both saw, the same way.
 *
 * Exactly one of the two polls must return the payload, fully built (42). "0" is a payload whose
 * field write was not yet visible: the sequence said "filled" before the element's contents were
 * published. "-1, -1" is an element lost: the consumer took a slot marked filled whose element it
 * could not see yet, and moved on.
 *
 * On x86 a plain-access ring may pass this test even when it is wrong (x86 keeps stores in order
 * and loads in order; only the JIT may reorder them); on ARM or POWER the hardware reorders too. That is why exercise 9's stub says
 * which store must be a release and which load an acquire, and why this test exists.
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh exercises          against your ring (exercises/src/main/.../MpscRing.java)
 *   ./jcstress.sh all                CI: with the stages, against the reference solution
 */
@JCStressTest
@Outcome(id = {"-1, 42", "42, -1"}, expect = ACCEPTABLE, desc = "The payload, whole, taken exactly once: by the racing poll or the one after.")
@Outcome(expect = FORBIDDEN, desc = "A payload seen half-built (0), taken twice, or lost (-1, -1).")
@State
public class Ex09_RingPublication {
    private final MpscRing<int[]> ring = new MpscRing<>(2);

    @Actor
    public void producer() {
        int[] payload = new int[1];
        payload[0] = 42; // a plain write: only the ring's publication makes it visible to the consumer
        ring.offer(payload);
    }

    @Actor
    public void consumer(II_Result r) {
        r.r1 = valueOf(ring.poll());
    }

    @Arbiter
    public void afterBoth(II_Result r) {
        r.r2 = valueOf(ring.poll());
    }

    private static int valueOf(int[] payload) {
        return payload == null ? -1 : payload[0];
    }
}
