package lockfree.docs;

import lockfree.docs.DocCommands.Command;
import lockfree.docs.CommandRunner.RunHere;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The check's teeth: fed a doc and a table with one of each mistake (teeth/broken.md and
 * teeth/broken.txt), it reports each one at its line; fed a doc and a table without any
 * (teeth/good.md and teeth/good.txt), it reports nothing, so the rejections come from the mistakes
 * and not from a check that rejects everything.
 */
class DocCommandsTeethTest {
    /** A CI script: the smoke forms run, plus one only mentioned in a comment. */
    private static final String CI = """
            #!/usr/bin/env bash
            ./mvnw verify
            # ./bench.sh everything would be too slow here
            echo "== ./bench.sh everything"
            ./bench.sh smoke
            """;

    private static List<String> broken;

    private static List<String> lines(String name) throws IOException {
        try (InputStream in = DocCommandsTeethTest.class.getResourceAsStream("/teeth/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static List<String> check(String name, List<RunHere> runHere) throws IOException {
        String tableName = name.replace(".md", ".txt");
        return DocCommands.check(Map.of(name, lines(name)), runHere, CommandTable.parse(tableName, lines(tableName)), CI,
                DocCommandsTest.ROOT, Duration.ofSeconds(60));
    }

    @BeforeAll
    static void checkTheBrokenDoc() throws IOException {
        broken = check("broken.md", List.of(
                RunHere.of("ls no-such-file-in-this-repository"),
                RunHere.of("diff -r stage2-sharded/src/main stage3-lockfree/src/main"),
                RunHere.of("./diff-stages.sh 9 9")));
    }

    private static void assertReported(String expectedStart) {
        assertTrue(broken.stream().anyMatch(p -> p.startsWith(expectedStart)),
                "expected a problem starting with: " + expectedStart + "\nreported:\n" + String.join("\n", broken));
    }

    @Test
    void aDocWithoutMistakesPasses() throws IOException {
        List<String> problems = check("good.md", List.of(
                RunHere.of("./diff-stages.sh 0 1"),
                RunHere.of("diff stage2-sharded/src/main/java/lockfree/stage2/BatchingSendQueue.java "
                        + "stage3-lockfree/src/main/java/lockfree/stage3/MpscSendQueue.java")));
        assertEquals(List.of(), problems);
    }

    @Test
    void aFailingCommandIsRejected() {
        assertReported("broken.md:6: " + CommandRunner.RAN + "failed with exit 2");
    }

    @Test
    void anUnclassifiedCommandIsRejectedInAShellFenceAndInATranscript() {
        assertReported("broken.md:12: unclassified command: ./a-new-tool.sh --fast");
        assertReported("broken.md:16: unclassified command: ./another-new-tool.sh");
    }

    @Test
    void anUnclassifiedInlineCommandIsRejected() {
        assertReported("broken.md:48: unclassified inline command: ./a-third-tool.sh --now");
    }

    @Test
    void aDiffThatComparesNothingIsRejected() {
        assertReported("broken.md:22: " + CommandRunner.RAN + "compares nothing");
    }

    @Test
    void notRunWithoutAReasonIsRejected() {
        assertReported("broken.txt:3: not run without a reason");
    }

    @Test
    void aCiFormThatCiDoesNotRunIsRejected() {
        assertReported("broken.txt:4: CI form not in .ci/run: ./bench.sh everything");
    }

    @Test
    void aStaleClassificationIsRejected() {
        assertReported("broken.txt:5: covers no command of broken.md");
        assertReported("run-here entry matches no documented command (stale): ./diff-stages.sh 9 9");
    }

    @Test
    void aCommandTwoLinesClaimIsRejected() {
        assertReported("broken.md:41: 2 lines of the table claim the command: ./jcstress.sh stage0 long");
    }

    @Test
    void aClassificationWrittenIntoTheDocOrALineNotUnderstoodIsRejected() {
        assertReported("broken.md:44: a classification in the doc");
        assertReported("broken.txt:9: not understood");
    }

    @Test
    void nothingElseIsReported() {
        assertEquals(12, broken.size(), String.join("\n", broken));
    }

    @Test
    void commandsAreReadAsTheShellWouldRunThem() {
        List<Command> commands = DocCommands.parse("doc.md", List.of(
                "```sh",
                "# a comment line",
                "java -cp \"$CP\" Main \\",
                "    --flag '#not a comment'   # a comment",
                "$ ./x.sh",
                "```")).commands();
        assertEquals(List.of("java -cp \"$CP\" Main --flag '#not a comment'", "./x.sh"),
                commands.stream().map(Command::key).toList());
        assertEquals(3, commands.get(0).line());

        List<Command> transcript = DocCommands.parse("doc.md", List.of(
                "1. in a list item:",
                "   ```console",
                "   $ ./stress.sh --help",
                "   Usage: stress [options]",
                "   ```")).commands();
        assertEquals(List.of("./stress.sh --help"), transcript.stream().map(Command::key).toList());
    }

    @Test
    void aChangedLineInAnyDiffFormatCountsAndOnlyInDoesNot() {
        assertTrue(CommandRunner.showsADifference("1c1\n< a\n---\n> b\n"));
        assertTrue(CommandRunner.showsADifference("--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n"));
        assertTrue(CommandRunner.showsADifference("same\t\t\t\tsame\nleft\t\t\t      |\tright\n"));
        assertTrue(!CommandRunner.showsADifference("Only in a: java\nOnly in b: java\n"));
        assertTrue(!CommandRunner.showsADifference("--- a\n+++ b\n"));
        assertTrue(!CommandRunner.showsADifference(""));
    }

    /** A serving command passes only when it prints where it listens and that address answers; it is stopped either way. */
    @Test
    void aServerThatNeverSaysWhereItListensFailsAndIsStopped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path pid = dir.resolve("pid");
        String failure = CommandRunner.run(RunHere.of("sleep 600 & echo $! > " + pid + "; wait").serving("/health"),
                DocCommandsTest.ROOT, Duration.ofSeconds(3));
        assertTrue(failure != null && failure.startsWith("printed no 'listening http://...' line within 3 s"), failure);
        long sleeper = Long.parseLong(java.nio.file.Files.readString(pid).strip());
        ProcessHandle.of(sleeper).ifPresent(h -> assertTrue(h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .handle((x, e) -> e == null).join(), "the server's process tree was stopped: " + sleeper));
    }

    @Test
    void aServerThatExitsOrDoesNotAnswerFails() {
        String exits = CommandRunner.run(RunHere.of("echo starting; exit 3").serving("/health"), DocCommandsTest.ROOT, Duration.ofSeconds(20));
        assertTrue(exits != null && exits.startsWith("ended with exit 3 without printing where it listens"), exits);
        // Port 1 on loopback: nothing listens there, so the printed address refuses the request.
        String silent = CommandRunner.run(RunHere.of("echo '  listening  http://127.0.0.1:1  (NIO)'; sleep 600").serving("/health"),
                DocCommandsTest.ROOT, Duration.ofSeconds(20));
        assertTrue(silent != null && silent.startsWith("said it listens on http://127.0.0.1:1, but GET /health failed"), silent);
    }

    /** The positive case: a server that prints where it listens and answers there passes (stage 0 on a free port). */
    @Test
    void aServerThatAnswersPasses() {
        String jar = "stage0-rwlock/target/stage0-rwlock-gateway.jar";
        assertTrue(java.nio.file.Files.isRegularFile(DocCommandsTest.ROOT.resolve(jar)), "the build packaged " + jar);
        // --port 0: a free port; the gateway prints the one it got.
        assertEquals(null, CommandRunner.run(RunHere.of("java -jar " + jar + " --port 0").serving("/health"),
                DocCommandsTest.ROOT, Duration.ofSeconds(60)));
    }
}
