package lockfree.exercises.runner;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner's commands end to end, on a copy of the exercises in a temporary git repository: run
 * exercise 4 as handed out (fails, says why and how to get a hint), solve it by copying the
 * reference solution over the stub, run again (passes, recorded as done), see the solution, and
 * reset it.
 */
class WorkshopEndToEndTest {
    @TempDir
    Path root;

    private Path stub;
    private Path solution;

    @BeforeEach
    void copyTheExercises() throws Exception {
        Path real = ExercisesProofTest.repositoryRoot().resolve("exercises");
        Path copy = root.resolve("exercises");
        for (String part : List.of("exercises.toml", "src", "solutions")) {
            copyTree(real.resolve(part), copy.resolve(part));
        }
        stub = copy.resolve("src/main/java/lockfree/exercises/ex04_spread_shards/Shards.java");
        solution = copy.resolve("solutions/ex04_spread_shards/Shards.java");
        git("init", "-q");
        git("add", "exercises");
        git("-c", "user.name=workshop", "-c", "user.email=workshop@example.invalid", "commit", "-q", "-m", "stubs");
    }

    @Test
    void runFailsOnTheStubPassesOnceSolvedThenShowsTheSolutionAndResets() throws Exception {
        Result stubRun = workshop("", "run", "4");
        assertEquals(1, stubRun.code, stubRun.out);
        assertTrue(stubRun.out.contains("✗ ex04_spread_shards:"), stubRun.out);
        assertTrue(stubRun.out.contains("✗ ex04_spread_shards: not implemented yet: Shards.index"), stubRun.out);
        assertFalse(stubRun.out.contains("UnsupportedOperationException"), "one line for a stub, no exception: " + stubRun.out);
        assertTrue(stubRun.out.contains("./exercises.sh hint 4"), stubRun.out);

        Result refused = workshop("", "solution", "4");
        assertEquals(1, refused.code);
        assertFalse(refused.out.contains("GOLDEN"), "no solution before the exercise passes");

        // Three levels, one per request, remembered between runs; the solution is never among them.
        String solutionText = Files.readString(solution);
        List<String> levels = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Result hint = workshop("", "hint", "4");
            assertTrue(hint.out.contains("Hint " + Math.min(i, 3) + " of 3"), hint.out);
            assertFalse(hint.out.contains("GOLDEN"), "a hint is never the solution: " + hint.out);
            levels.add(hint.out);
        }
        assertEquals(3, levels.stream().distinct().count(), "three different levels, then the last one again");
        assertTrue(levels.get(2).contains("numberOfTrailingZeros"), "the last level shows the shape of the code: " + levels.get(2));
        assertTrue(levels.get(2).contains("solution 4"), "the last level says where the solution is: " + levels.get(2));
        assertFalse(solutionText.isEmpty());

        Files.copy(solution, stub, StandardCopyOption.REPLACE_EXISTING);
        Result solved = workshop("", "run", "spread");
        assertEquals(0, solved.code, solved.out);
        assertTrue(solved.out.contains("✓ ex04_spread_shards: all"), solved.out);
        assertTrue(State.load(root.resolve(".workshop-state")).isDone("ex04_spread_shards"));

        Result list = workshop("", "list");
        assertTrue(list.out.lines().anyMatch(l -> l.contains("✓ done") && l.contains("ex04_spread_shards")), list.out);

        Result shown = workshop("", "solution", "4");
        assertEquals(0, shown.code);
        assertTrue(shown.out.contains("GOLDEN"), shown.out);

        Result declined = workshop("n\n", "reset", "4");
        assertEquals(1, declined.code);
        assertEquals(Files.readString(solution), Files.readString(stub), "a declined reset changes nothing");

        Result reset = workshop("y\n", "reset", "4");
        assertEquals(0, reset.code, reset.out);
        assertTrue(Files.readString(stub).contains("TODO"), "the stub is back");
        assertFalse(State.load(root.resolve(".workshop-state")).isDone("ex04_spread_shards"));
    }

    @Test
    void anUnknownExerciseOrCommandPrintsUsage() throws Exception {
        Result r = workshop("", "run", "nosuch");
        assertEquals(2, r.code);
        assertTrue(r.out.contains("no exercise matches 'nosuch'"), r.out);
        assertTrue(r.out.contains("Usage:"), r.out);
        assertEquals(2, workshop("", "frobnicate").code);
    }

    /** The README's table of commands and the runner's usage name the same commands. */
    @Test
    void theUsageListsEveryCommandOfTheReadmesTable() throws Exception {
        String usage = workshop("", "help").out;
        List<String> documented = Files.readAllLines(ExercisesProofTest.repositoryRoot().resolve("exercises/README.md")).stream()
                .filter(l -> l.startsWith("| `./exercises.sh"))
                .map(l -> l.substring(3, l.indexOf('`', 3)))
                .toList();
        assertTrue(documented.size() >= 10, "the README's table lists " + documented);
        for (String command : documented) {
            String[] words = command.split(" ");
            String head = words.length > 1 ? words[0] + " " + words[1] : words[0];
            assertTrue(usage.contains(head), "the README documents `" + command + "`, the usage does not mention " + head + ":\n" + usage);
        }
    }

    /**
     * The mutation proof has teeth: a "wrong solution" that is in fact right (the reference
     * solution under a mutant's name) is reported as accepted, and a real mistake as rejected.
     */
    @Test
    void proveReportsAWrongSolutionTheTestsAccept() throws Exception {
        Path mutants = Files.createDirectories(root.resolve("exercises/mutants/ex04_spread_shards"));
        String header = "Wrong solution: %s\nRejected by: ShardsTest.idsInStepsOf32StillSpreadEvenly\n\n";
        String line = "        return (int) ((key * GOLDEN) >>> (64 - bits));\n";
        Files.writeString(mutants.resolve("masks.mutant"), header.formatted("masks the low bits")
                + "<<<<<<< solution\n" + line + "=======\n        return (int) (key & (shardCount - 1));\n>>>>>>> mistake\n");

        Result rejected = workshop("", "prove", "4", "--mutants");
        assertEquals(0, rejected.code, rejected.out);
        assertTrue(rejected.out.contains("1 wrong solutions rejected"), rejected.out);
        assertTrue(rejected.out.contains("prove took "), "a slow command says how long it took: " + rejected.out);

        Files.writeString(mutants.resolve("not-wrong.mutant"), header.formatted("none")
                + "<<<<<<< solution\n" + line + "=======\n" + line + ">>>>>>> mistake\n");
        Result accepted = workshop("", "prove", "4", "--mutants");
        assertEquals(1, accepted.code, accepted.out);
        assertTrue(accepted.out.contains("ex04_spread_shards/not-wrong (none) passes all"), accepted.out);
    }

    private record Result(int code, String out) {
    }

    private Result workshop(String input, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Workshop w = new Workshop(new Workspace(root), new Report("./exercises.sh", false, false),
                new BufferedReader(new StringReader(input)), out);
        int code = w.run(List.of(args));
        return new Result(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private void git(String... args) throws Exception {
        String[] cmd = Stream.concat(Stream.of("git", "-C", root.toString()), Stream.of(args)).toArray(String[]::new);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(lockfree.common.testkit.Patience.seconds(30).toSeconds(), TimeUnit.SECONDS), "git " + String.join(" ", args) + " hung");
        assertEquals(0, p.exitValue(), "git " + String.join(" ", args) + ": " + output);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
            }
        }
    }
}
