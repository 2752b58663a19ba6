package lockfree.exercises.runner;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MutantTest {
    private static final String SOLUTION = """
            class Counter {
                int add(int a, int b) {
                    return a + b;
                }
            }
            """;
    private static final String MUTANT = """
            Wrong solution: subtracts
            Rejected by: CounterTest.adds, CounterTest.addsNegatives

            <<<<<<< solution
                    return a + b;
            =======
                    return a - b;
            >>>>>>> mistake
            """;

    @Test
    void readsTheHeaderAndEditsTheSolution() {
        Mutant m = Mutant.parse("subtracts", MUTANT, "Counter.java");

        assertEquals("subtracts", m.mistake());
        assertEquals(List.of("CounterTest.adds", "CounterTest.addsNegatives"), m.rejectedBy());
        assertEquals("Counter.java", m.file());
        assertEquals(SOLUTION.replace("a + b", "a - b"), m.apply(SOLUTION));
    }

    @Test
    void anEmptyMistakeDeletesTheLines() {
        Mutant m = Mutant.parse("gone", "Wrong solution: x\nRejected by: T.m\n<<<<<<< solution\n"
                + "        return a + b;\n=======\n>>>>>>> mistake\n", "Counter.java");

        assertEquals(SOLUTION.replace("        return a + b;\n", ""), m.apply(SOLUTION));
    }

    /** A mutant whose lines the solution no longer has would silently test nothing: it must fail loudly. */
    @Test
    void aMutantThatNoLongerFitsTheSolutionIsAnError() {
        Mutant m = Mutant.parse("subtracts", MUTANT, "Counter.java");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.apply(SOLUTION.replace("a + b", "b + a")));
        assertTrue(e.getMessage().contains("does not contain them"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> m.apply(SOLUTION + SOLUTION), "lines found twice are ambiguous");
    }
}
