package lockfree.stress;

import lockfree.stress.ProfileClassifier.Category;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Where the time goes": the profile tables in the docs are their JSON rendered (DocTables' stress-profile blocks). */
class ProfileTableTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final List<Path> PAGES = List.of(ROOT.resolve("docs/STRESS.md"), ROOT.resolve("stage3-lockfree/README.md"));

    private static void write(Path dir, String scenario, String target, long syscall, long netty, double cpuPerDelivery)
            throws Exception {
        Map<Category, Long> samples = new EnumMap<>(Category.class);
        samples.put(Category.SYSCALL, syscall);
        samples.put(Category.NETTY, netty);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("target", target);
        doc.put("scenario", scenario);
        doc.put("command", "--profile p --users 4");
        doc.put("date", "2026-01-02T03:04:05Z");
        doc.put("mode", ProfileSession.mode(true, "2", List.of()));
        doc.put("delivered", 8);
        doc.put("cpuMicrosPerDelivery", cpuPerDelivery);
        doc.put("categories", ProfileSession.categories(samples, cpuPerDelivery));
        LoadClient.JSON.writeValue(dir.resolve(scenario + "-" + target + ".json").toFile(), doc);
    }

    @Test
    void oneTablePerScenarioStagesInOrderTheLimitLast(@TempDir Path dir) throws Exception {
        Path p = Files.createDirectories(dir.resolve("profile"));
        write(p, "unicast", "limit", 1, 1, 10);
        write(p, "unicast", "stage3-lockfree", 3, 1, 40);
        write(p, "unicast", "stage0-rwlock", 1, 3, 20);
        write(p, "broadcast", "stage0-rwlock", 0, 2, 8);
        String page = ProfileTable.render("a\n<!-- stress-profile: profile -->\nold\n<!-- /stress-profile -->\nb\n", dir);
        assertTrue(page.startsWith("a\n<!-- stress-profile: profile -->\n\n**unicast**"), page);
        assertTrue(page.contains("| category | stage0-rwlock | stage3-lockfree | limit |"), page);
        assertTrue(page.contains("| kernel send and receive path (syscalls) | 25.0% / 5.00 | 75.0% / 30.00 | 50.0% / 5.00 |"), page);
        assertTrue(page.contains("| Netty pipeline and WebSocket encoder | 75.0% / 15.00 | 25.0% / 10.00 | 50.0% / 5.00 |"), page);
        assertTrue(page.contains("| **all (measured gateway CPU)** | 100% / 20.00 | 100% / 40.00 | 100% / 10.00 |"), page);
        assertTrue(page.indexOf("**broadcast**") > page.indexOf("**unicast**"), page);
        assertTrue(page.contains("| category | stage0-rwlock |\n"), page);
        assertTrue(page.endsWith("<!-- /stress-profile -->\nb\n"), page);
        assertTrue(!page.contains("old"), page);
        // rendering is a fixed point: what the docs check relies on
        assertEquals(page, ProfileTable.render(page, dir));
    }

    @Test
    void everyProfileBlockInTheDocsIsItsJsonRendered() throws Exception {
        int blocks = 0;
        for (Path page : PAGES) {
            String text = Files.readString(page);
            Matcher m = ProfileTable.BLOCK.matcher(text);
            while (m.find()) {
                blocks++;
                assertTrue(Files.isDirectory(page.getParent().resolve(m.group(2))), m.group(2));
            }
            assertEquals(text, DocTables.render(text, page.getParent()), page + " differs from its profile JSON; ./stress.sh render");
        }
        assertEquals(2, blocks, "STRESS.md's and stage 3's chapter's profile blocks");
    }

    /** The check's teeth: a cell edited by hand no longer matches the rendering. */
    @Test
    void aHandEditedCellIsCaught(@TempDir Path dir) throws Exception {
        Path p = Files.createDirectories(dir.resolve("profile"));
        write(p, "unicast", "stage0-rwlock", 1, 3, 20);
        String page = ProfileTable.render("<!-- stress-profile: profile -->\n<!-- /stress-profile -->\n", dir);
        String edited = page.replace("25.0% / 5.00", "20.0% / 4.00");
        assertNotEquals(page, edited);
        assertNotEquals(edited, ProfileTable.render(edited, dir));
    }
}
