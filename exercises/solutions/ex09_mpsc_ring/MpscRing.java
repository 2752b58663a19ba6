package lockfree.exercises.ex09_mpsc_ring;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Reference solution of exercise 9: a bounded MPSC ring with per-slot sequences (after Vyukov).
 * No stage has this class: stage 3's MpscSendQueue uses JCTools' MPSC queue, and the exercise
 * writes such a ring by hand to show what that queue does.
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

    public boolean offer(E e) {
        if (e == null) {
            throw new NullPointerException("null means empty to poll()");
        }
        while (true) {
            long pos = producerPosition.get();
            int slot = (int) (pos & mask);
            long seq = sequences.get(slot); // acquire: pairs with the consumer's release of this slot
            if (seq == pos) {
                // The slot is free for this position; the CAS decides which producer gets it.
                if (producerPosition.compareAndSet(pos, pos + 1)) {
                    elements.lazySet(slot, e);          // ordered before the release below
                    sequences.lazySet(slot, pos + 1);   // release: publishes the element to the consumer
                    return true;
                }
            } else if (seq < pos) {
                return false; // the consumer has not freed this slot from the last lap: full
            }
            // seq > pos: another producer claimed pos and moved on; read the position again.
        }
    }

    public E poll() {
        long pos = consumerPosition;
        int slot = (int) (pos & mask);
        if (sequences.get(slot) != pos + 1) { // acquire: pairs with the producer's release
            return null; // empty, or claimed but not filled yet
        }
        E e = elements.get(slot);
        elements.lazySet(slot, null);                 // drop the reference for the GC
        sequences.lazySet(slot, pos + mask + 1);      // release: free for the producer one lap later
        consumerPosition = pos + 1;
        return e;
    }
}
