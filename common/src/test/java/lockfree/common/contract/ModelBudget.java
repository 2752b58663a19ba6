package lockfree.common.contract;

/**
 * How much the model checker explores per check, in one place for every model. Each stage runs
 * the models once per JDK in {@code ./mvnw verify}, so this is CI time: the fixed races are small
 * enough that this many interleavings cover them, and the random scenarios add breadth.
 */
final class ModelBudget {
    /** Random scenarios per check (the fixed races come on top of these). */
    static final int ITERATIONS = 10;
    /** Interleavings explored per scenario, at most. */
    static final int INVOCATIONS = 200;

    private ModelBudget() {
    }
}
