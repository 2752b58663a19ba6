package lockfree.exercises.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The learner's progress: which exercise is current and which are done. Kept in
 * {@code .workshop-state} at the repository root (git-ignored), as {@code key=value} lines a
 * person can read and edit:
 *
 * <pre>
 * current=ex03_atomic_map_ops
 * done=ex01_rwlock_map,ex02_relogin
 * hints=ex03_atomic_map_ops:2
 * </pre>
 * ({@code hints}: how many levels of each exercise's hint were shown.)
 */
public final class State {
    private String current;
    private final Set<String> done = new LinkedHashSet<>();
    /* How many levels of each exercise's hint were shown. */
    private final Map<String, Integer> hints = new LinkedHashMap<>();

    public static State load(Path file) {
        State state = new State();
        if (!Files.exists(file)) {
            return state;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (String line : lines) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.startsWith("#") || eq < 0) {
                continue;
            }
            String key = l.substring(0, eq).strip();
            String value = l.substring(eq + 1).strip();
            if (key.equals("current") && !value.isEmpty()) {
                state.current = value;
            } else if (key.equals("hints")) {
                for (String entry : value.split(",")) {
                    int colon = entry.indexOf(':');
                    if (colon > 0) {
                        try {
                            state.hints.put(entry.substring(0, colon).strip(), Integer.parseInt(entry.substring(colon + 1).strip()));
                        } catch (NumberFormatException ignored) {
                            // a hand-edited line: that exercise starts at the first hint again
                        }
                    }
                }
            } else if (key.equals("done")) {
                Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(state.done::add);
            }
        }
        return state;
    }

    /** Writes to a temporary file and moves it into place, so an interrupted save leaves the old state. */
    public void save(Path file) {
        String text = "# Progress through the exercises (git-ignored). Delete this file to start over.\n"
                + "current=" + (current == null ? "" : current) + "\n"
                + "done=" + String.join(",", done) + "\n"
                + "hints=" + hints.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",")) + "\n";
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The current exercise's name, or null before the first run. */
    public String current() {
        return current;
    }

    public void current(String name) {
        this.current = name;
    }

    public boolean isDone(String name) {
        return done.contains(name);
    }

    /** Records the latest verdict: done when it passed, not done when it no longer does. */
    public void record(String name, boolean passed) {
        if (passed) {
            done.add(name);
        } else {
            done.remove(name);
        }
    }

    /** How many levels of {@code name}'s hint were shown (0: none yet). */
    public int hintLevel(String name) {
        return hints.getOrDefault(name, 0);
    }

    public void hintLevel(String name, int level) {
        hints.put(name, level);
    }

    public Set<String> done() {
        return done.stream().collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
