package lockfree.exercises.ex09_mpsc_ring;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Exercise 9: a bounded ring buffer, many producers, one consumer, no lock.
 *
 * <p>The per-session send queue of stage 3 has exactly this shape: any thread may offer a
 * message to a user, and only the connection's event loop takes them out. Producers claim a slot
 * by advancing a shared counter with CAS; each slot carries its own sequence number that says
 * whose turn it is, which is how the consumer knows a claimed slot has actually been filled.
 *
 * <p>Slot {@code i = pos & mask} has {@code sequence[i]}:
 * <ul>
 *   <li>{@code sequence == pos}: free for the producer of position {@code pos};</li>
 *   <li>{@code sequence == pos + 1}: filled, ready for the consumer at position {@code pos};</li>
 *   <li>after the consumer takes it, {@code pos + capacity}: free for the producer one lap later.</li>
 * </ul>
 * <b>offer(e)</b>: read {@code pos = producerPosition}; look at the slot's sequence. If it equals
 * {@code pos}, try to CAS {@code producerPosition} from {@code pos} to {@code pos + 1}; if you win,
 * the slot is yours: store the element, then publish it by setting the sequence to {@code pos + 1}.
 * If the sequence is below {@code pos}, the ring is full: return false. Otherwise another producer
 * won that position: read the position again.
 * <br><b>poll()</b> (one thread only): the slot at {@code consumerPosition} is ready when its
 * sequence is {@code consumerPosition + 1}. Take the element, clear the slot, set the sequence to
 * {@code consumerPosition + capacity}, advance {@code consumerPosition}.
 *
 * <p>Memory ordering: the element store must be visible before the sequence says "filled". The
 * sequence store is a release ({@code lazySet}/{@code set}) after the element store, and the
 * consumer's sequence read is an acquire ({@code get}) before its element read. The tests cannot
 * check this: Lincheck explores interleavings under sequential consistency, and x86 keeps these
 * stores and loads in order anyway, so a ring on plain {@code long[]}/{@code E[]} fields passes
 * them and still fails on ARM. Once yours passes, run {@code ./jcstress.sh exercises}: jcstress
 * runs a producer and the consumer on real threads ({@code Ex09_RingPublication}) and reports a
 * payload seen before it was published.
 *
 * <p>Run: {@code ./exercises.sh run 9}; after it passes, {@code ./jcstress.sh exercises}
 */
public final class MpscRing<E> {
    private final int mask;
    private final AtomicReferenceArray<E> elements;
    private final AtomicLongArray sequences;
    /** The next position a producer claims; advanced by CAS. */
    private final AtomicLong producerPosition = new AtomicLong();
    /** The next position the consumer takes; only the consumer thread touches it. */
    private long consumerPosition;

    /** @param capacity a power of two, at least 2 */
    public MpscRing(int capacity) {
        // Not 1: with one slot, "filled for position p" (p + 1) and "free for position p + 1"
        // (p + 1) are the same sequence, so the next producer would store over an element that
        // nobody has taken yet.
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, at least 2, got " + capacity);
        }
        this.mask = capacity - 1;
        this.elements = new AtomicReferenceArray<>(capacity);
        this.sequences = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            sequences.set(i, i); // slot i is free for the producer of position i
        }
    }

    public int capacity() {
        return mask + 1;
    }

    /** Adds {@code e} from any thread; false when the ring is full. */
    public boolean offer(E e) {
        throw new UnsupportedOperationException("TODO: claim a position with compareAndSet on producerPosition,"
                + " store the element, then publish it by setting the slot's sequence to pos + 1");
    }

    /** Takes the oldest element, or null if none is ready. Consumer thread only. */
    public E poll() {
        throw new UnsupportedOperationException("TODO: if sequences[slot] == consumerPosition + 1, take the element,"
                + " clear it, set the sequence to consumerPosition + capacity and advance consumerPosition");
    }
}
