package lockfree.common.contract;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * How much the model checker explores per check, in one place for every model. Each stage runs
 * the models once per JDK in {@code ./mvnw verify}, so this is CI time: the fixed races are small
 * enough that this many interleavings cover them, and the random scenarios add breadth.
 */
final class ModelBudget {
    /** Random scenarios per check (the fixed races come on top of these). */
    static final int ITERATIONS = 6;
    /** Interleavings explored per scenario, at most. */
    static final int INVOCATIONS = 200;

    private ModelBudget() {
    }

    /**
     * Model checking against {@code spec}: {@code random} random scenarios of two threads with
     * three operations each, two before and one after them, then the fixed scenarios the caller
     * adds. With {@code random} 0 only the fixed scenarios run.
     */
    static ModelCheckingOptions options(Class<?> spec, int random) {
        return new ModelCheckingOptions()
                .iterations(random)
                .invocationsPerIteration(INVOCATIONS)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(spec);
    }
}
