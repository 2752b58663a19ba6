package lockfree.stress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacerTest {

    @Test
    void messageIIsDueAtStartPlusIOverRate() {
        Pacer p = new Pacer(1_000, 4); // 4 per second: every 250 ms
        assertEquals(1_000, p.dueNanos(0));
        assertEquals(1_000 + 250_000_000L, p.dueNanos(1));
        assertEquals(1_000 + 10_000_000_000L, p.dueNanos(40));
    }

    @Test
    void theScheduleDoesNotSlipWhenTheSenderIsLate() {
        // Open loop: a sender that is behind finds every overdue message due at once, at its
        // original time; it does not restart the clock from "now".
        long start = System.nanoTime() - 1_000_000_000L;
        Pacer p = new Pacer(start, 1000);
        long due = p.awaitDue(500); // due half a second ago: returns at once
        assertEquals(start + 500_000_000L, due);
        assertTrue(System.nanoTime() >= due);
    }

    @Test
    void aRateMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, Double.NaN));
    }
}
