package lockfree.bench;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What ./bench.sh all runs: the limit at one thread only, everything else everywhere, within its budget. */
class CompareStagesTest {

    private static List<String> stages(CompareStages.Part p) {
        return Arrays.asList(p.stages());
    }

    @Test
    void theSessionTableLimitRunsAtOneThreadOnlyAndTheBoxedTableAtEveryCount() {
        List<CompareStages.Part> tables = CompareStages.parts().stream()
                .filter(p -> p.benchmark() == AllStages_01_SessionTable.class).toList();
        assertEquals(List.of(1, 2, 4), tables.stream().map(CompareStages.Part::threads).toList());
        for (CompareStages.Part p : tables) {
            assertEquals(p.threads() == 1, stages(p).contains(Columns.LIMIT), "limit at -t " + p.threads());
            assertTrue(stages(p).containsAll(List.of("stage0", "stage1", "stage2", "stage3", "stage3-boxed")));
        }
    }

    @Test
    void theSendQueueLimitRunsInBothGroups() {
        CompareStages.Part queue = CompareStages.parts().stream()
                .filter(p -> p.benchmark() == AllStages_02_SendQueue.class).findFirst().orElseThrow();
        assertTrue(stages(queue).contains(Columns.LIMIT));
        assertEquals(0, queue.threads(), "the groups set their own thread counts");
    }

    @Test
    void theDefaultRunTakesAboutHalfAnHourOnItsOwnEstimate() {
        double minutes = CompareStages.estimatedMinutes(CompareStages.DEFAULT_FORKS, 1);
        assertTrue(minutes > 20 && minutes <= 35, minutes + " min: the docs say about half an hour");
        assertFalse(CompareStages.estimatedMinutes(1, 0.1) > 5, "the try-out run stays short");
    }
}
