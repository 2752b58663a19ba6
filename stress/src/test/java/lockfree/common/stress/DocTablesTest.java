package lockfree.common.stress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stress tables in docs/STRESS.md are what their raw JSON renders to: one source per number. */
class DocTablesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final Path PAGE = ROOT.resolve("docs/STRESS.md");

    @Test
    void everyStressTableInTheDocsIsItsJsonRendered() throws Exception {
        String page = Files.readString(PAGE);
        Matcher m = DocTables.TABLE.matcher(page);
        int tables = 0;
        while (m.find()) {
            tables++;
            assertTrue(Files.isRegularFile(PAGE.getParent().resolve(m.group(2))), m.group(2));
        }
        assertTrue(tables >= 8, "the page marks its tables: " + tables);
        assertEquals(page, DocTables.render(page, PAGE.getParent()),
                "a table differs from its JSON; ./stress.sh render rewrites them");
    }

    /** The check's teeth: a number edited by hand in the page, or in the JSON, shows. */
    @Test
    void aTableEditedByHandOrAChangedResultIsCaught(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("run.json");
        Files.copy(ROOT.resolve("docs/stress/unicast-10000x10.json"), json);
        String rendered = DocTables.render("intro\n<!-- stress-table: run.json -->\n<!-- /stress-table -->\nend\n", dir);
        assertTrue(rendered.contains("| **lost** | **0** | **0** | **0** | **0** |"), rendered);
        assertTrue(rendered.startsWith("intro\n<!-- stress-table: run.json -->\n\n|  | stage0-rwlock |"), rendered);
        assertTrue(rendered.endsWith("|\n\n<!-- /stress-table -->\nend\n"), rendered);

        String edited = rendered.replace("| latency p50 (ms) | 0.311 |", "| latency p50 (ms) | 0.211 |");
        assertNotEquals(rendered, edited);
        assertEquals(rendered, DocTables.render(edited, dir), "rendering restores the JSON's number");

        Files.writeString(json, Files.readString(json).replace("\"p50\" : 0.311295", "\"p50\" : 0.211295"));
        String again = DocTables.render(rendered, dir);
        assertTrue(again.contains("| latency p50 (ms) | 0.211 | 0.317 (1.50x) |"), "a changed result changes the table:\n" + again);
    }
}
