package lockfree.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README's build time is its raw run rendered: a hand edit is undone, a new run changes it. */
class BuildTimeTest {
    private static final String RUN = """
            {"command": "./mvnw verify", "seconds": 287.4, "cores": 2, "jdk": "openjdk version \\"17.0.15\\" 2025-04-15",
             "loadBefore": 0.12, "loadAfter": 1.85, "date": "2026-12-06T19:40Z", "commit": "abc1234"}
            """;

    @Test
    void theSentenceSaysTheRunItCameFrom(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/build-time.json"), RUN);
        String page = "x\n<!-- build-time: docs/build-time.json -->\nit took 2 min, typed by hand\n<!-- /build-time -->\ny\n";
        String rendered = BuildTime.render(page, dir);
        assertEquals("x\n<!-- build-time: docs/build-time.json -->\n"
                + "Measured ([build-time.json](docs/build-time.json), by `.ci/measure-build`): `./mvnw verify` from a fresh"
                + " clone took 4 min 47 s on 2 cores, openjdk version \"17.0.15\" 2025-04-15, load average 0.12 before and"
                + " 1.85 after, on 2026-12-06 19:40Z (commit abc1234; Maven's downloads already cached).\n"
                + "<!-- /build-time -->\ny\n", rendered);
        assertEquals(rendered, BuildTime.render(rendered, dir), "rendering is stable");

        Files.writeString(dir.resolve("docs/build-time.json"), RUN.replace("287.4", "41"));
        assertTrue(BuildTime.render(rendered, dir).contains("took 41 s on 2 cores"), "a new run changes the sentence");
    }

    @Test
    void aMarkerWithoutItsRawFileIsAnError(@TempDir Path dir) {
        String page = "<!-- build-time: docs/none.json -->\n<!-- /build-time -->\n";
        assertThrows(IOException.class, () -> BuildTime.render(page, dir));
    }
}
