package lockfree.docs;

import lockfree.docs.DocCommands.Command;
import lockfree.docs.CommandRunner.RunHere;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command README.md, the stage chapters, exercises/README.md and docs/*.md tell a reader to
 * run is run here, run by CI in a named form, or listed as not run with the reason (see
 * {@link DocCommands} for what counts as a command).
 *
 * <p>A new command in a doc fails this test until it is classified, in one of two ways:
 * <ul>
 *   <li>cheap (seconds, no network, nothing left running) and deterministic: add it to
 *       {@link #RUN_HERE} below, spelled as in the doc; the test then runs it from the repository
 *       root and needs exit 0 (a compare command: a shown difference);</li>
 *   <li>otherwise, a line in its doc's section of {@link #TABLE}: {@code COMMAND | CI runs `FORM`}
 *       if {@code .ci/run} runs it in a smoke form FORM, or {@code COMMAND | not run: REASON}.</li>
 * </ul>
 */
class DocCommandsTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    /** How each documented command the build does not run is covered: CI's smoke form, or why not. */
    static final Path TABLE = ROOT.resolve("docs-tool/commands.txt");

    /** The documented commands the build runs, as the docs spell them. */
    static final List<RunHere> RUN_HERE = List.of(
            // stage 1's and stage 2's chapters: the step in each class, one plain diff per pair
            RunHere.of("diff stage0-rwlock/src/main/java/lockfree/stage0/RwLockSessionManager.java "
                    + "stage1-concurrentmap/src/main/java/lockfree/stage1/ConcurrentMapSessionManager.java"),
            RunHere.of("diff stage0-rwlock/src/main/java/lockfree/stage0/LockedSendQueue.java "
                    + "stage1-concurrentmap/src/main/java/lockfree/stage1/LinkedSendQueue.java"),
            RunHere.of("diff stage1-concurrentmap/src/main/java/lockfree/stage1/LinkedSendQueue.java "
                    + "stage2-sharded/src/main/java/lockfree/stage2/BatchingSendQueue.java"),
            // stage 3's chapter; README.md's (inline): a pair of stages, and side by side
            RunHere.of("./diff-stages.sh 2 3"),
            RunHere.of("./diff-stages.sh 0 1"),
            RunHere.of("./diff-stages.sh 0 1 -y -W 200"),
            // docs/PROTOCOL.md: minting a token reads the secret from the environment the reader set
            RunHere.of("java -jar stage0-rwlock/target/stage0-rwlock-gateway.jar token --uid 42 --ttl 1h --secret \"$GATEWAY_SECRET\"")
                    .env("GATEWAY_SECRET", "a-secret-for-the-docs-check"),
            // docs/STRESS.md: the tool's own usage (the jars exist: this module builds after them)
            RunHere.of("./stress.sh --help"),
            // README.md: where you are in the exercises (the first start builds the runner, about 30 s)
            RunHere.of("./exercises.sh list"),
            // exercises/README.md's table: the runner's usage
            RunHere.of("./exercises.sh help"),
            // README.md's first command, as a newcomer types it: the build (everything is built
            // already, so tens of seconds), then stage 0's gateway on its defaults, which must
            // answer /health before it is stopped. On any free port (GATEWAY_PORT=0): the
            // reader's own gateway from that very command may still be running on 8080.
            RunHere.of("./mvnw -q package -DskipTests && java -jar stage0-rwlock/target/stage0-rwlock-gateway.jar")
                    .env("GATEWAY_PORT", "0")
                    .serving("/health"));

    /** Per command, a bound for a command that must end, not a speed: the first ./exercises.sh
     *  builds the runner with Maven and README's first command re-runs the build (each well under
     *  a minute on a quiet 2-core machine, several on a busy one); the rest take seconds. Scaled by
     *  the build's one patience factor (-Dlockfree.patience, common's testkit Patience). */
    static final Duration TIMEOUT = Duration.ofSeconds(
            (long) (600 * Double.parseDouble(System.getProperty("lockfree.patience", "1"))));

    static final String HOW_TO = """

            Each command above is unclassified, fails, or is classified wrongly. To classify a command:
              - cheap and deterministic: add it to DocCommandsTest.RUN_HERE, spelled as in the doc;
              - an inline command (a code span in prose): spell it as a fenced command that is classified, or
              - otherwise, a line in its doc's [section] of docs-tool/commands.txt:
                  COMMAND | CI runs `FORM`          (FORM: a smoke form .ci/run runs)
                  COMMAND | not run: REASON
                a COMMAND ending in " ..." is a prefix for every command of the doc that starts with it
            """;

    /** README.md, every stage chapter, exercises/README.md, docs/*.md: the docs that give commands. */
    static Map<String, List<String>> docs() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> dirs = Files.list(ROOT)) {
            dirs.filter(d -> d.getFileName().toString().matches("stage\\d+-.*"))
                    .map(d -> d.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        files.add(ROOT.resolve("exercises/README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(d -> d.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Path f : files) {
            out.put(ROOT.relativize(f).toString(), Files.readAllLines(f));
        }
        return out;
    }

    /** For maintainers (-Pmaintainer): it runs the documented commands, README's build among them. */
    @Test
    @Tag("maintainer")
    void everyDocumentedCommandIsRunHereRunByCiOrSaysWhyNot() throws Exception {
        Map<String, List<String>> docs = docs();
        assertFalse(docs.values().stream().allMatch(List::isEmpty), "found the docs");
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        CommandTable.Table table = CommandTable.parse(ROOT.relativize(TABLE).toString(), Files.readAllLines(TABLE));
        List<String> problems = DocCommands.check(docs, RUN_HERE, table, ci, ROOT, TIMEOUT);
        // How to classify a command helps only with classification problems; a documented command
        // that fails when run is the command's (or the machine's) problem, and its output says which.
        boolean classifying = problems.stream().anyMatch(p -> !p.contains(": " + CommandRunner.RAN));
        assertTrue(problems.isEmpty(), String.join("\n", problems) + (classifying ? HOW_TO : ""));
    }

    /** One way to run a chapter's tests, everywhere: the command CI's full build includes. */
    @Test
    void eachChapterGivesItsTestsInTheOneForm() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<String>> doc : docs().entrySet()) {
            String module = doc.getKey().replaceFirst("/README\\.md$", "");
            if (!module.matches("stage\\d+-.*")) {
                continue;
            }
            String expected = "./mvnw -pl " + module + " -am verify";
            boolean found = false;
            for (Command c : DocCommands.parse(doc.getKey(), doc.getValue()).commands()) {
                // The fenced commands: an inline mention ("every `./mvnw verify` runs it") is not the chapter's instruction.
                if (!c.inline() && c.key().startsWith("./mvnw") && c.key().matches(".*\\s(test|verify)(\\s.*)?")) {
                    found |= c.key().equals(expected);
                    if (!c.key().equals(expected)) {
                        problems.add(c.where() + ": " + c.key() + " (the one form: " + expected + ")");
                    }
                }
            }
            if (!found) {
                problems.add(doc.getKey() + ": gives no test command; expected " + expected);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
