package lockfree.stress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stage 3's end-to-end targets take the repeat rule: a verdict only where the ranges allow one. */
class StressTargetsTest {

    private static Report.Spread spread(double median, double low, double high, int runs) {
        return new Report.Spread(median, low, high, runs);
    }

    @Test
    void noWorseIsMissedOnlyByAResolvedLoss() {
        assertEquals("met", StressTargets.noWorse(spread(10, 8, 12, 5), spread(11, 9, 14, 5)), "median not above");
        assertEquals("missed", StressTargets.noWorse(spread(20, 15, 25, 5), spread(11, 9, 14, 5)), "every run above");
        assertEquals("n.r.", StressTargets.noWorse(spread(13, 10, 16, 5), spread(11, 9, 14, 5)), "worse median, overlap");
        assertEquals("n.r. (one run)", StressTargets.noWorse(spread(1, 1, 1, 1), spread(9, 9, 9, 1)));
    }

    @Test
    void withinTheLimitTakesTheWorstAndTheBestRepeat() {
        assertEquals("met", StressTargets.within(spread(12, 11, 12.5, 5), spread(10, 10, 10.5, 5), 1.3));
        assertEquals("missed", StressTargets.within(spread(30, 28, 35, 5), spread(10, 9, 11, 5), 1.3));
        assertEquals("n.r.", StressTargets.within(spread(13, 12, 14, 5), spread(10, 9.5, 10.5, 5), 1.3));
        assertEquals("n.r. (one run)", StressTargets.within(spread(11, 11, 11, 1), spread(10, 10, 10, 1), 1.3));
    }

    @Test
    void onlyTheStagesAreStages() {
        assertTrue(StressTargets.isStage("stage0-rwlock"));
        assertTrue(StressTargets.isStage("stage3-lockfree"));
        assertFalse(StressTargets.isStage("limit"));
        assertFalse(StressTargets.isStage("ws"));
        assertFalse(StressTargets.isStage("vertx"));
    }
}
