package lockfree.exercises.ex09_mpsc_ring;

import lockfree.exercises.support.Together;
import lockfree.exercises.support.Races;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quick check: the single-threaded rules, and the races under Lincheck with a budget that
 * answers a save in seconds. {@link MpscRingThoroughTest} runs the same races with a larger budget
 * once these pass.
 */
class MpscRingTest {
    /** Interleavings per race in the quick check. */
    private static final int INVOCATIONS = 40;

    @Test
    void firstInFirstOut() {
        MpscRing<String> ring = new MpscRing<>(4);
        assertNull(ring.poll(), "empty");
        assertTrue(ring.offer("a"));
        assertTrue(ring.offer("b"));
        assertEquals("a", ring.poll());
        assertEquals("b", ring.poll());
        assertNull(ring.poll());
    }

    /**
     * One slot cannot work: "filled for position p" and "free for position p + 1" would be the
     * same sequence, and a second offer would store over the first element.
     */
    @Test
    void capacitiesThatAreNotPowersOfTwoOfAtLeastTwoAreRefused() {
        for (int capacity : new int[] {-2, 0, 1, 3, 6}) {
            assertThrows(IllegalArgumentException.class, () -> new MpscRing<String>(capacity), "capacity " + capacity);
        }
    }

    @Test
    void aFullRingRefusesAndAcceptsAgainOnceAnElementIsTaken() {
        MpscRing<Integer> ring = new MpscRing<>(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(ring.offer(i), "slot " + i + " of 4");
        }
        assertFalse(ring.offer(4), "the ring holds 4");
        assertEquals(0, ring.poll());
        assertTrue(ring.offer(4), "one slot freed, one offer fits");
        assertFalse(ring.offer(5));
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, ring.poll());
        }
        assertNull(ring.poll());
    }

    @Test
    void wrapsAroundManyTimes() {
        MpscRing<Integer> ring = new MpscRing<>(2);
        for (int i = 0; i < 1000; i++) {
            assertTrue(ring.offer(i));
            assertEquals(i, ring.poll());
        }
    }

    /**
     * Two producers offer while the consumer polls, through every interleaving: every element
     * comes out exactly once, each producer's in its own order, and nothing is polled before its
     * producer published it (a slot claimed but not yet filled must read as "not ready").
     */
    @Test
    void twoProducersAndTheConsumerLoseNothingAndKeepOrder() {
        Races.check(INVOCATIONS, MpscRingTest::twoProducersAndTheConsumerLoseNothingAndKeepOrderRace);
    }

    static void twoProducersAndTheConsumerLoseNothingAndKeepOrderRace() {
        MpscRing<String> ring = new MpscRing<>(4);
        List<String> taken = new ArrayList<>();
        Together.run(
                () -> {
                    ring.offer("a1");
                    ring.offer("a2");
                },
                () -> ring.offer("b1"),
                () -> {
                    for (int i = 0; i < 2; i++) {
                        String e = ring.poll();
                        if (e != null) {
                            taken.add(e);
                        }
                    }
                });
        String e;
        while ((e = ring.poll()) != null) {
            taken.add(e);
        }
        assertEquals(3, taken.size(), "taken: " + taken);
        assertTrue(taken.containsAll(List.of("a1", "a2", "b1")), "taken: " + taken);
        assertTrue(taken.indexOf("a1") < taken.indexOf("a2"), "one producer's order was broken: " + taken);
    }

    /**
     * The ring is full (two slots, two elements) and the consumer takes the oldest element while a
     * producer offers the next one, which fits only once that slot is free. Through every
     * interleaving: the consumer gets the old element, and the new one, if the offer got in, comes
     * out next. A poll that frees the slot before it has read the element lets the producer store
     * into the slot in between: the old element is lost and the new one read in its place.
     */
    @Test
    void aPollRacingTheOfferThatRefillsItsSlotGetsTheOldElement() {
        Races.check(INVOCATIONS, MpscRingTest::aPollRacingTheOfferThatRefillsItsSlotGetsTheOldElementRace);
    }

    static void aPollRacingTheOfferThatRefillsItsSlotGetsTheOldElementRace() {
        MpscRing<String> ring = new MpscRing<>(2);
        assertTrue(ring.offer("a"));
        assertTrue(ring.offer("x"));
        String[] polled = new String[1];
        boolean[] offered = new boolean[1];
        Together.run(() -> polled[0] = ring.poll(), () -> offered[0] = ring.offer("b"));
        assertEquals("a", polled[0], "the consumer took the oldest element of a full ring; it must get that element,"
                + " not one a producer stored after the slot was freed: read the element, then free the slot");
        assertEquals("x", ring.poll());
        assertEquals(offered[0] ? "b" : null, ring.poll(), "what the producer got in comes out last");
        assertNull(ring.poll());
    }

    /**
     * The consumer polls while a producer is still publishing, and then the ring goes round one
     * full lap. A consumer that trusts a non-null element instead of the slot's sequence can take
     * "a" before its producer has published the sequence; it frees the slot for the next lap, and
     * the producer's late publication then overwrites that with "filled": one lap later the ring
     * says full while it is empty. Only reusing the slot after such a poll shows it.
     */
    @Test
    void aSlotPolledWhileItsProducerPublishesIsFreeOneLapLater() {
        Races.check(INVOCATIONS, MpscRingTest::aSlotPolledWhileItsProducerPublishesIsFreeOneLapLaterRace);
    }

    static void aSlotPolledWhileItsProducerPublishesIsFreeOneLapLaterRace() {
        MpscRing<String> ring = new MpscRing<>(2);
        String[] taken = new String[1];
        Together.run(() -> ring.offer("a"), () -> taken[0] = ring.poll());
        assertEquals("a", taken[0] != null ? taken[0] : ring.poll(), "the one element, polled during or after its offer");
        assertNull(ring.poll());

        assertTrue(ring.offer("b"), "the ring is empty: first slot of the next lap");
        assertTrue(ring.offer("c"), "the ring is empty and holds 2: the slot 'a' used must be free again");
        assertEquals("b", ring.poll());
        assertEquals("c", ring.poll());
        assertNull(ring.poll());
    }

    /** Two producers race for the last free slot: exactly one gets it. */
    @Test
    void twoProducersRacingForTheLastSlotOneWins() {
        Races.check(INVOCATIONS, MpscRingTest::twoProducersRacingForTheLastSlotOneWinsRace);
    }

    static void twoProducersRacingForTheLastSlotOneWinsRace() {
        MpscRing<String> ring = new MpscRing<>(2);
        ring.offer("x");
        boolean[] ok = new boolean[2];
        Together.run(() -> ok[0] = ring.offer("a"), () -> ok[1] = ring.offer("b"));
        assertTrue(ok[0] ^ ok[1], "exactly one of two offers fits in the last slot: " + ok[0] + ", " + ok[1]);
        assertEquals("x", ring.poll());
        assertEquals(ok[0] ? "a" : "b", ring.poll());
        assertNull(ring.poll());
    }
}
