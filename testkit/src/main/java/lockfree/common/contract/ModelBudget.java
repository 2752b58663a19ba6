package lockfree.common.contract;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * How much the model checker explores per check, in one place for every model. The fixed races
 * (every interleaving this budget reaches of the scenarios that show each known mistake) run in
 * every build; random scenarios add breadth on top: {@code -Dlockfree.modelcheck.random=N} per
 * check, which the parent pom sets to a few in the learner's {@code ./mvnw verify} and to more in
 * the maintainers' profile.
 */
final class ModelBudget {
    /** Random scenarios per check (the fixed races come on top of these). */
    static final int ITERATIONS = Integer.getInteger("lockfree.modelcheck.random", 6);
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
