package lockfree.exercises.jcstress;

import lockfree.exercises.ex09_mpsc_ring.MpscRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Exercise 9's ring: a slot handed back by the consumer must be read before a producer refills it.
 *
 * The ring is full (two slots: 1 and 2). The consumer polls the oldest element while a producer
 * offers 3, which fits only in the slot that poll frees. The consumer's store that frees the slot
 * must be a release, ordered after its read of the element; the producer's read of that slot's
 * sequence (or of the consumer's position, in a ring that decides "full" from it) must be an
 * acquire. Without them, on a weakly ordered CPU or after a JIT reordering, the producer sees the
 * slot free before the consumer's read of the element is done, stores 3 into it, and the consumer
 * reads 3 instead of 1. Lincheck cannot see this: it checks interleavings of whole accesses under
 * sequential consistency. A ring whose producers read the consumer's position with a plain read
 * is the same mistake from the other side, and on a 32-bit JVM that plain long read may even be torn.
 *
 *   r1: what the racing poll returned (-1: nothing); r2: 1 if the offer was accepted, 0 if refused;
 *   r3, r4: two polls after both.
 *
 * HOW TO RUN THIS TEST:
 *   ./jcstress.sh exercises          against your ring (exercises/src/main/.../MpscRing.java)
 *   ./jcstress.sh all                CI: with the stages, against the reference solution
 */
@JCStressTest
@Outcome(id = "1, 1, 2, 3", expect = ACCEPTABLE, desc = "The oldest element polled; the offer got the freed slot and comes out last.")
@Outcome(id = "1, 0, 2, -1", expect = ACCEPTABLE, desc = "The oldest element polled; the offer came while the ring was still full.")
@Outcome(expect = FORBIDDEN, desc = "The poll read an element stored after its slot was freed, or one was lost or taken twice.")
@State
public class Ex09_SlotHandBack {
    private final MpscRing<Integer> ring = new MpscRing<>(2);

    public Ex09_SlotHandBack() {
        ring.offer(1);
        ring.offer(2);
    }

    @Actor
    public void consumer(IIII_Result r) {
        r.r1 = valueOf(ring.poll());
    }

    @Actor
    public void producer(IIII_Result r) {
        r.r2 = ring.offer(3) ? 1 : 0;
    }

    @Arbiter
    public void afterBoth(IIII_Result r) {
        r.r3 = valueOf(ring.poll());
        r.r4 = valueOf(ring.poll());
    }

    private static int valueOf(Integer element) {
        return element == null ? -1 : element;
    }
}
