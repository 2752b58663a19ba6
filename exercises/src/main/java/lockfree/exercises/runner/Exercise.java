package lockfree.exercises.runner;

import java.util.List;
import java.util.Objects;

/**
 * One exercise as the manifest ({@code exercises/exercises.toml}) describes it. Paths are relative
 * to the {@code exercises/} directory.
 *
 * @param name     the package name under {@code lockfree.exercises}, e.g. {@code ex03_atomic_map_ops};
 *                 the two digits give the order
 * @param title    one line: what the learner builds
 * @param stage    which chapter of the tutorial it belongs to, e.g. {@code stage 1}
 * @param about    why it matters for the gateway, in two or three sentences
 * @param hints    what to try when stuck, one level per {@code hint}: a nudge, the idea, the shape of
 *                 the code (never the solution itself)
 * @param stub     the files the learner edits (in {@code src/main/java})
 * @param solution the reference solutions, one per stub file, same file names
 * @param tests    fully qualified test classes, all in the exercise's package: the quick check that
 *                 runs on every save
 * @param thorough slower test classes (stress, many rounds) run once the quick check passes; an
 *                 exercise is done when both pass. May be empty.
 */
public record Exercise(String name, String title, String stage, String about, List<String> hints,
                       List<String> stub, List<String> solution, List<String> tests, List<String> thorough) {

    public Exercise {
        Objects.requireNonNull(name, "name");
        title = Objects.requireNonNullElse(title, "");
        stage = Objects.requireNonNullElse(stage, "");
        about = Objects.requireNonNullElse(about, "").strip();
        hints = Objects.requireNonNullElse(hints, List.<String>of()).stream().map(String::strip).toList();
        stub = List.copyOf(Objects.requireNonNullElse(stub, List.of()));
        solution = List.copyOf(Objects.requireNonNullElse(solution, List.of()));
        tests = List.copyOf(Objects.requireNonNullElse(tests, List.of()));
        thorough = List.copyOf(Objects.requireNonNullElse(thorough, List.of()));
    }

    /** The Java package the stub, its tests and its solution live in. */
    public String packageName() {
        return "lockfree.exercises." + name;
    }

    /** {@code ex03_atomic_map_ops} -> {@code 3}. */
    public int number() {
        return Integer.parseInt(name.substring(2, 4));
    }

    /** The package as a relative directory, e.g. {@code lockfree/exercises/ex03_atomic_map_ops}. */
    String packagePath() {
        return packageName().replace('.', '/');
    }
}
