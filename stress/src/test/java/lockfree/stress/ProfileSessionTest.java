package lockfree.stress;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profile mode's knob and what it records about how the profiler ran. */
class ProfileSessionTest {

    private static StressMain parse(String... args) {
        CommandLine cli = StressMain.commandLine(new PrintStream(new ByteArrayOutputStream()), args);
        cli.parseArgs(args);
        return (StressMain) cli.getCommand();
    }

    @Test
    void profileTakesADirectoryAndRepeatsLikeAMeasuredRun() throws Exception {
        StressMain once = parse("--profile", "docs/stress/profile", "--users", "200");
        assertEquals(Path.of("docs/stress/profile"), once.profile);
        assertEquals(1, once.settings().repeats());
        // repeated, a profile gives each category's median and range (ProfileTable)
        StressMain repeated = parse("--profile", "p", "--repeat", "3");
        assertEquals(Path.of("p"), repeated.profile);
        assertEquals(3, repeated.settings().repeats());
    }

    @Test
    void theModeSaysWhetherTheKernelWasSeenAndKeepsTheProfilersWarnings() {
        Map<String, Object> withKernel = ProfileSession.mode(true, "1", List.of());
        assertEquals(true, withKernel.get("kernelFrames"));
        assertTrue(((String) withKernel.get("ran")).contains("kernel frames"));
        Map<String, Object> userOnly = ProfileSession.mode(false, "2", List.of("[WARN] Kernel symbols are unavailable"));
        assertEquals(false, userOnly.get("kernelFrames"));
        assertTrue(((String) userOnly.get("ran")).startsWith("user space only"), (String) userOnly.get("ran"));
        assertEquals("2", userOnly.get("perfEventParanoid"));
        assertEquals(List.of("[WARN] Kernel symbols are unavailable"), userOnly.get("profilerWarnings"));
    }
}
