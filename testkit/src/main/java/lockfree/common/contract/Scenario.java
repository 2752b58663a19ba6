package lockfree.common.contract;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed Lincheck scenario written from Java: what runs before the threads start
 * ({@link #init}), each thread's operations ({@link #thread}), and what runs after they have all
 * finished ({@link #post}). An operation is a method name of the model class followed by its
 * arguments, e.g. {@code thread("getByUserId", 1, "remove1")}: a String starts the next call, any
 * other value is an argument of the call before it.
 *
 * <p>Lincheck's own scenario DSL is Kotlin; this is the same thing without Kotlin lambdas.
 * The model checker then explores every interleaving of the threads (within its budget).
 */
final class Scenario {
    private final Class<?> model;
    private final List<Actor> init = new ArrayList<>();
    private final List<List<Actor>> threads = new ArrayList<>();
    private final List<Actor> post = new ArrayList<>();

    Scenario(Class<?> model) {
        this.model = model;
    }

    Scenario init(Object... calls) {
        init.addAll(actors(calls));
        return this;
    }

    Scenario thread(Object... calls) {
        threads.add(actors(calls));
        return this;
    }

    Scenario post(Object... calls) {
        post.addAll(actors(calls));
        return this;
    }

    ExecutionScenario build() {
        return new ExecutionScenario(init, threads, post, null);
    }

    private List<Actor> actors(Object... calls) {
        List<Actor> actors = new ArrayList<>();
        int i = 0;
        while (i < calls.length) {
            String name = (String) calls[i++];
            int from = i;
            while (i < calls.length && !(calls[i] instanceof String)) {
                i++;
            }
            List<Object> args = Arrays.asList(Arrays.copyOfRange(calls, from, i));
            actors.add(new Actor(method(name, args.size()), args));
        }
        return actors;
    }

    private Method method(String name, int arity) {
        for (Method m : model.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == arity) {
                return m;
            }
        }
        throw new IllegalArgumentException(model.getSimpleName() + " has no public " + name + " with " + arity + " arguments");
    }
}
