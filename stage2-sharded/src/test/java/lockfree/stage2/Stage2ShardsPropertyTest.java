package lockfree.stage2;

import lockfree.common.testkit.Patience;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code -Dstage2.shards} on the real main, in a child JVM: the only setting stage 2 adds. */
class Stage2ShardsPropertyTest {

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void gatewayStartsWithTheShardCountGivenOnTheCommandLine() throws Exception {
        Process p = start("-Dstage2.shards=64", "--port", "0");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            for (String line; (line = out.readLine()) != null; ) {
                seen.add(line);
                if (line.startsWith("stage2-sharded: ")) {
                    assertTrue(line.contains("64 shards"), line);
                    return;
                }
            }
            fail("the gateway never printed its banner; it printed:\n" + String.join("\n", seen));
        }
    }

    @Test
    void shardCountThatIsNotAPowerOfTwoStopsTheGatewayWithExitCode2() throws Exception {
        Process p = start("-Dstage2.shards=48", "--port", "0");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(Patience.seconds(30).toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("-Dstage2.shards=48") && out.contains("power of two"), out);
    }

    @Test
    void shardCountThatIsNotANumberStopsTheGatewayWithExitCode2() throws Exception {
        Process p = start("-Dstage2.shards=many", "--port", "0");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(Patience.seconds(30).toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("-Dstage2.shards=many"), out);
    }

    private Process start(String property, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", property,
                "-cp", System.getProperty("java.class.path"), Stage2Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }
}
