package lockfree.exercises.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where things are in a checkout: the manifest, each exercise's sources, tests and solution, and the
 * progress file. Everything the runner reads or writes goes through here, so a test can point a
 * runner at a copy of the tree.
 */
public final class Workspace {
    /* The package line of a solution file, rewritten to the exercise's package. */
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package [\\w.]+;");

    private final Path root;
    private final Path exercises;

    /** @param root the repository root (the directory holding {@code exercises/}) */
    public Workspace(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.exercises = this.root.resolve("exercises");
    }

    public Path root() {
        return root;
    }

    public Path manifestFile() {
        return exercises.resolve("exercises.toml");
    }

    /** Progress: git-ignored ({@code .workshop-state*} in .gitignore). */
    public Path stateFile() {
        return root.resolve(".workshop-state");
    }

    public Manifest manifest() {
        return Manifest.load(manifestFile());
    }

    /** A path from the manifest (relative to {@code exercises/}) as a real path. */
    public Path file(String manifestPath) {
        return exercises.resolve(manifestPath);
    }

    /** A path relative to the repository root, for messages the learner can click or paste. */
    public String display(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
    }

    /** The directory of the exercise's package in {@code src/main/java}: the stub and its helpers. */
    public Path mainDir(Exercise ex) {
        return exercises.resolve("src/main/java").resolve(ex.packagePath());
    }

    public Path testDir(Exercise ex) {
        return exercises.resolve("src/test/java").resolve(ex.packagePath());
    }

    /** The learner's sources as they are on disk now: every {@code .java} file of the package. */
    public Map<String, String> learnerSources(Exercise ex) {
        return readAll(javaFiles(mainDir(ex)));
    }

    /** The package with every stub file replaced by its reference solution. */
    public Map<String, String> solutionSources(Exercise ex) {
        Map<String, String> sources = learnerSources(ex);
        for (int i = 0; i < ex.stub().size(); i++) {
            sources.put(fileName(ex.stub().get(i)), solutionText(ex, i));
        }
        return sources;
    }

    /**
     * The reference solution of the exercise's i-th stub file, in the exercise's package. A solution
     * may be a stage's own class (exercise 2's is stage 0's RwLockSessionManager): then there is one
     * copy of it, the one the gateway runs, and its package line is rewritten here.
     */
    String solutionText(Exercise ex, int i) {
        String text = read(file(ex.solution().get(i)));
        return PACKAGE.matcher(text).replaceFirst("package " + ex.packageName() + ";");
    }


    /**
     * The package with every stub file as it was handed out: the committed version (git's HEAD),
     * or the file on disk where there is no git. Reset writes this back; the build's proof checks
     * that this, not whatever the learner has typed since, fails its tests.
     */
    public Map<String, String> pristineSources(Exercise ex) {
        Map<String, String> sources = learnerSources(ex);
        for (String stub : ex.stub()) {
            pristineStub(stub).ifPresent(text -> sources.put(fileName(stub), text));
        }
        return sources;
    }

    /** The stub file as committed, if git is there and knows the file. */
    public Optional<String> pristineStub(String stub) {
        String rel = root.relativize(file(stub).toAbsolutePath().normalize()).toString().replace('\\', '/');
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "show", "HEAD:" + rel)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] out;
            try (InputStream in = git.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return Optional.empty();
            }
            return git.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Where the exercise's wrong solutions live: {@code exercises/mutants/<exercise>/}, one {@code .mutant} file each. */
    public Path mutantsDir(Exercise ex) {
        return exercises.resolve("mutants").resolve(ex.name());
    }

    /** The exercise's notes: the wrong solutions its tests reject, and what no test can see. */
    public Path notesFile(Exercise ex) {
        return mutantsDir(ex).resolve("README.md");
    }

    /** The exercise's wrong solutions, sorted by name; none if it has no mutants directory. */
    public List<Mutant> mutants(Exercise ex) {
        Path dir = mutantsDir(ex);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String onlyStub = ex.stub().size() == 1 ? fileName(ex.stub().get(0)) : "";
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".mutant")).sorted()
                    .map(p -> {
                        String name = p.getFileName().toString();
                        return Mutant.parse(name.substring(0, name.length() - ".mutant".length()), read(p), onlyStub);
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The package with the mutant's stub file in place: the reference solution with the mistake
     * edited in. Throws {@link IllegalStateException} if the mutant no longer fits the solution.
     */
    public Map<String, String> mutantSources(Exercise ex, Mutant mutant) {
        for (int i = 0; i < ex.stub().size(); i++) {
            if (fileName(ex.stub().get(i)).equals(mutant.file())) {
                Map<String, String> sources = learnerSources(ex);
                sources.put(mutant.file(), mutant.apply(solutionText(ex, i)));
                return sources;
            }
        }
        throw new IllegalStateException("mutant " + mutant.name() + " of " + ex.name() + " edits '" + mutant.file()
                + "', which is not a stub file of the exercise (its 'File:' line)");
    }

    /** Every {@code .java} file of the exercise's tests (the listed classes and their helpers). */
    public Map<String, String> testSources(Exercise ex) {
        return readAll(javaFiles(testDir(ex)));
    }

    /** The newest modification time among the learner's files, to time save-to-verdict. */
    public long lastModifiedMillis(Exercise ex) {
        long newest = 0;
        for (Path p : javaFiles(mainDir(ex))) {
            try {
                newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
            } catch (IOException e) {
                // deleted between the listing and now: an editor's save-by-rename; the next event brings it back
            }
        }
        return newest;
    }

    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(".java")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> readAll(List<Path> files) {
        Map<String, String> sources = new LinkedHashMap<>();
        for (Path p : files) {
            sources.put(p.getFileName().toString(), read(p));
        }
        return sources;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
