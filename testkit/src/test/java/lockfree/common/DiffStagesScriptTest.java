package lockfree.common;

import lockfree.common.testkit.Patience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./diff-stages.sh A B}, the command README and stage 3's chapter give for seeing a step:
 * it must pair each stage's classes by role (a plain {@code diff -r} pairs nothing, the package
 * folders differ) and print a real difference for every pair.
 */
class DiffStagesScriptTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final Pattern HEADER = Pattern.compile("(?m)^=== (\\w+): (\\S+) -> (\\S+)$");
    private static final Pattern REMOVED = Pattern.compile("(?m)^-[^-]");
    private static final Pattern ADDED = Pattern.compile("(?m)^\\+[^+]");

    private record Run(int exit, String out) {}

    private static Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", ROOT.resolve("diff-stages.sh").toString()));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    private static Run exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until it exits
        assertTrue(p.waitFor(Patience.seconds(30).toMillis(), TimeUnit.MILLISECONDS), "the command ended");
        return new Run(p.exitValue(), out);
    }

    /** What is wrong with a stage-to-stage diff's output; empty when it paired every role and each pair differs. */
    static List<String> problems(String out, int from, int to) {
        List<String> problems = new ArrayList<>();
        if (out.contains("=== only in")) {
            problems.add("a main class found no pair");
        }
        Matcher m = HEADER.matcher(out);
        List<String> roles = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        while (m.find()) {
            String role = m.group(1);
            roles.add(role);
            starts.add(m.start());
            String suffix = role.equals("Main") ? "Main.java" : role + ".java";
            if (!(m.group(2).startsWith("stage" + from + "-") && m.group(2).endsWith(suffix)
                    && m.group(3).startsWith("stage" + to + "-") && m.group(3).endsWith(suffix))) {
                problems.add("wrong pair: " + m.group());
            }
        }
        if (!roles.equals(List.of("SessionManager", "SendQueue", "Main"))) {
            problems.add("paired roles " + roles + ", not SessionManager, SendQueue, Main");
        }
        starts.add(out.length());
        for (int i = 0; i < roles.size(); i++) {
            String section = out.substring(starts.get(i), starts.get(i + 1));
            if (!REMOVED.matcher(section).find() || !ADDED.matcher(section).find()) {
                problems.add(roles.get(i) + " shows no removed and added lines");
            }
        }
        return problems;
    }

    @ParameterizedTest
    @CsvSource({"0,1", "1,2", "2,3", "0,3"})
    void pairsEachRoleAcrossTwoStagesAndShowsTheirDifference(int from, int to) throws Exception {
        Run r = run(Integer.toString(from), Integer.toString(to));
        assertEquals(0, r.exit(), r.out());
        assertEquals(List.of(), problems(r.out(), from, to), r.out());
    }

    private static final Pattern HUNK = Pattern.compile("(?m)^@@ -(\\d+),(\\d+) \\+(\\d+),(\\d+) @@");

    /**
     * Stage 3's step is read as a diff: the session manager's change comes in several hunks, each
     * beside the stage 2 code it replaces, none of them the whole file (which a reordered or
     * renamed class would give), and the class stage 3 adds is shown whole, as new.
     */
    @Test
    void theLockFreeStepIsSeveralHunksAndItsNewClassIsShownWhole() throws Exception {
        Run r = run("2", "3");
        String out = r.out();
        int start = out.indexOf("=== SessionManager: ");
        String section = out.substring(start, out.indexOf("\n=== ", start + 1));
        long oldLines = lines("stage2-sharded/src/main/java/lockfree/stage2/ShardedSessionManager.java");
        long newLines = lines("stage3-lockfree/src/main/java/lockfree/stage3/LockFreeSessionManager.java");
        Matcher hunk = HUNK.matcher(section);
        int hunks = 0;
        while (hunk.find()) {
            hunks++;
            int oldLength = Integer.parseInt(hunk.group(2));
            int newLength = Integer.parseInt(hunk.group(4));
            assertTrue(oldLength < oldLines && newLength < newLines, "a hunk covers the whole file: " + hunk.group());
        }
        assertTrue(hunks >= 5, hunks + " hunks:\n" + section);

        String registry = "stage3-lockfree/src/main/java/lockfree/stage3/SessionRegistry.java";
        assertTrue(out.contains("=== new in stage3-lockfree: " + registry), out);
        assertTrue(out.contains("@@ -0,0 +1," + lines(registry) + " @@"), "shown whole:\n" + out);
    }

    private static long lines(String path) throws IOException {
        try (var l = java.nio.file.Files.lines(ROOT.resolve(path))) {
            return l.count();
        }
    }

    /** The check's teeth: the command stage 3's chapter used to give compares nothing, and is rejected. */
    @Test
    void aPlainRecursiveDiffOfTwoStagesIsRejected() throws Exception {
        Run r = exec(List.of("diff", "-r", "stage2-sharded/src/main", "stage3-lockfree/src/main"));
        assertTrue(r.out().contains("Only in"), r.out());
        assertTrue(problems(r.out(), 2, 3).contains("paired roles [], not SessionManager, SendQueue, Main"), r.out());
    }

    @Test
    void aStageThatDoesNotExistIsAUsageError() throws Exception {
        Run r = run("2", "9");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().contains("no stage9-"), r.out());
    }
}
