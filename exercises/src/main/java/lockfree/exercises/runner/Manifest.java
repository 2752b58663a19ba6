package lockfree.exercises.runner;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The exercises in learning order, read from {@code exercises.toml}: one {@code [[exercise]]} table
 * per exercise. The order of the tables is the order of the course; the two digits in each name
 * must follow it, so a file listing and the runner agree.
 */
public final class Manifest {
    private static final Pattern NAME = Pattern.compile("ex\\d\\d_[a-z0-9_]+");

    private final List<Exercise> exercises;

    private Manifest(List<Exercise> exercises) {
        this.exercises = List.copyOf(exercises);
    }

    /** The shape of the TOML file: {@code [[exercise]]} tables. */
    private record File(List<Exercise> exercise) {
    }

    public static Manifest load(Path file) {
        TomlMapper mapper = TomlMapper.builder()
                // A misspelt key ("hints", "test") would silently drop what it holds.
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        try {
            File parsed = mapper.readValue(file.toFile(), File.class);
            return of(parsed.exercise() == null ? List.of() : parsed.exercise());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the exercise manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /** Checks the rules every manifest keeps and returns it; throws with a message naming the broken one. */
    static Manifest of(List<Exercise> exercises) {
        if (exercises.isEmpty()) {
            throw new IllegalArgumentException("the manifest lists no [[exercise]]");
        }
        Set<String> names = new HashSet<>();
        int previous = -1;
        for (Exercise ex : exercises) {
            String where = "exercise '" + ex.name() + "': ";
            if (!NAME.matcher(ex.name()).matches()) {
                throw new IllegalArgumentException(where + "names look like ex01_topic (two digits, lower case)");
            }
            if (!names.add(ex.name())) {
                throw new IllegalArgumentException(where + "listed twice");
            }
            if (ex.number() <= previous) {
                throw new IllegalArgumentException(where + "out of order: its number must be above the one before");
            }
            previous = ex.number();
            if (ex.stub().isEmpty() || ex.tests().isEmpty() || ex.hints().size() != 3) {
                throw new IllegalArgumentException(where + "needs a stub, three hints (a nudge, the idea, the shape"
                        + " of the code) and at least one test class");
            }
            if (ex.solution().size() != ex.stub().size()) {
                throw new IllegalArgumentException(where + "needs one solution file per stub file");
            }
            for (int i = 0; i < ex.stub().size(); i++) {
                String stub = ex.stub().get(i);
                String solution = ex.solution().get(i);
                if (!stub.startsWith("src/main/java/" + ex.packagePath() + "/")) {
                    throw new IllegalArgumentException(where + "stub " + stub + " is not in package " + ex.packageName());
                }
                if (!fileName(stub).equals(fileName(solution))) {
                    throw new IllegalArgumentException(where + "solution " + solution + " must have the stub's file name " + fileName(stub));
                }
            }
            for (String test : concat(ex.tests(), ex.thorough())) {
                if (!test.startsWith(ex.packageName() + ".")) {
                    throw new IllegalArgumentException(where + "test " + test + " is not in package " + ex.packageName());
                }
            }
        }
        return new Manifest(exercises);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public List<Exercise> exercises() {
        return exercises;
    }

    public Exercise first() {
        return exercises.get(0);
    }

    /** The exercise after {@code ex}, if any. */
    public Optional<Exercise> after(Exercise ex) {
        int i = exercises.indexOf(ex);
        return i >= 0 && i + 1 < exercises.size() ? Optional.of(exercises.get(i + 1)) : Optional.empty();
    }

    /** 1-based position in the course. */
    public int position(Exercise ex) {
        return exercises.indexOf(ex) + 1;
    }

    /**
     * Finds an exercise by what a learner would type: its full name ({@code ex03_atomic_map_ops}),
     * its number ({@code 3}, {@code 03}, {@code ex03}) or a unique part of its topic
     * ({@code atomic}).
     */
    public Optional<Exercise> find(String query) {
        String q = query.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty()) {
            return Optional.empty();
        }
        String digits = q.startsWith("ex") ? q.substring(2) : q;
        if (digits.chars().allMatch(Character::isDigit) && digits.length() <= 2) {
            int n = Integer.parseInt(digits);
            return exercises.stream().filter(e -> e.number() == n).findFirst();
        }
        for (Exercise ex : exercises) {
            if (ex.name().equals(q)) {
                return Optional.of(ex);
            }
        }
        List<Exercise> matches = new ArrayList<>();
        for (Exercise ex : exercises) {
            if (ex.name().contains(q)) {
                matches.add(ex);
            }
        }
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }
}
