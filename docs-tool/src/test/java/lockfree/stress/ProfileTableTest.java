package lockfree.stress;

import lockfree.stress.ProfileClassifier.Category;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Where the time goes": the profile tables in the docs are their JSON rendered (DocTables' stress-profile blocks). */
class ProfileTableTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final List<Path> PAGES = List.of(ROOT.resolve("docs/STRESS.md"), ROOT.resolve("stage3-lockfree/README.md"));

    /** One profiled run: samples in two categories, and its measured CPU per delivery. */
    private static Map<String, Object> run(long syscall, long netty, double cpuPerDelivery) {
        Map<Category, Long> samples = new EnumMap<>(Category.class);
        samples.put(Category.SYSCALL, syscall);
        samples.put(Category.NETTY, netty);
        return ProfileSession.repeat(1, 8, cpuPerDelivery * 8 / 1e6, cpuPerDelivery, samples,
                ProfileSession.mode(true, "2", List.of()));
    }

    @SafeVarargs
    private static void write(Path dir, String scenario, String target, Map<String, Object>... runs) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("target", target);
        doc.put("scenario", scenario);
        doc.put("command", "--profile p --users 4");
        doc.put("date", "2026-01-02T03:04:05Z");
        doc.put("machine", Map.of("cores", 2, "jdk", "OpenJDK 64-Bit Server VM 17.0.15+6", "os", "Linux 6.1"));
        doc.put("repeats", List.of(runs));
        LoadClient.JSON.writeValue(dir.resolve(scenario + "-" + target + ".json").toFile(), doc);
    }

    @Test
    void oneTablePerScenarioStagesInOrderTheLimitLast(@TempDir Path dir) throws Exception {
        Path p = Files.createDirectories(dir.resolve("profile"));
        write(p, "unicast", "limit", run(1, 1, 10));
        write(p, "unicast", "stage3-lockfree", run(3, 1, 40));
        write(p, "unicast", "stage0-rwlock", run(1, 3, 20));
        write(p, "broadcast", "stage0-rwlock", run(0, 2, 8));
        String page = ProfileTable.render("a\n<!-- stress-profile: profile -->\nold\n<!-- /stress-profile -->\nb\n", dir);
        assertTrue(page.startsWith("a\n<!-- stress-profile: profile -->\n\n**unicast**"), page);
        assertTrue(page.contains("| category | stage0-rwlock | stage3-lockfree | limit |"), page);
        assertTrue(page.contains("| kernel send and receive path (syscalls) | 25.0% / 5.00 | 75.0% / 30.00 | 50.0% / 5.00 |"), page);
        assertTrue(page.contains("| Netty pipeline and WebSocket encoder | 75.0% / 15.00 | 25.0% / 10.00 | 50.0% / 5.00 |"), page);
        assertTrue(page.contains("| **all (measured gateway CPU)** | 100% / 20.00 | 100% / 40.00 | 100% / 10.00 |"), page);
        assertTrue(page.contains("- stage0-rwlock: 1 run, 4 samples, 8 deliveries, cpu every 1ms"), page);
        assertTrue(page.contains("`--profile p --users 4`, OpenJDK 64-Bit Server VM 17.0.15+6, 2 cores, 2026-01-02\n"), page);
        // one run each: a difference from the limit is never called resolved
        assertTrue(page.contains("| kernel send and receive path (syscalls) | (+0.00) | (+25.00) |"), page);
        assertTrue(page.contains("| **all (measured gateway CPU)** | (+10.00) | (+30.00) |"), page);
        assertTrue(page.indexOf("**broadcast**") > page.indexOf("**unicast**"), page);
        assertTrue(page.contains("| category | stage0-rwlock |\n"), page);
        assertTrue(!page.contains("**broadcast**, above"), "no limit in broadcast, so no differences: " + page);
        assertTrue(page.endsWith("<!-- /stress-profile -->\nb\n"), page);
        assertTrue(!page.contains("old"), page);
        // rendering is a fixed point: what the docs check relies on
        assertEquals(page, ProfileTable.render(page, dir));
    }

    @Test
    void repeatsShowMedianAndRangeAndADifferenceIsResolvedOnlyWhereTheRangesDoNotOverlap(@TempDir Path dir)
            throws Exception {
        Path p = Files.createDirectories(dir.resolve("profile"));
        // stage 3: half kernel, half Netty, 10-14 us; the limit: three quarters kernel, 8-9 us
        write(p, "broadcast", "stage3-lockfree", run(1, 1, 12), run(1, 1, 10), run(1, 1, 14));
        write(p, "broadcast", "limit", run(3, 1, 8), run(3, 1, 9), run(3, 1, 8));
        String page = ProfileTable.tables(p);
        assertTrue(page.contains("each the median [min-max] of the target's profiled runs"), page);
        assertTrue(page.contains("| kernel send and receive path (syscalls) | 50.0% / 6.00 [5.00-7.00] | 75.0% / 6.00 [6.00-6.75] |"), page);
        assertTrue(page.contains("| Netty pipeline and WebSocket encoder | 50.0% / 6.00 [5.00-7.00] | 25.0% / 2.00 [2.00-2.25] |"), page);
        assertTrue(page.contains("| **all (measured gateway CPU)** | 100% / 12.00 [10.00-14.00] | 100% / 8.00 [8.00-9.00] |"), page);
        assertTrue(page.contains("- stage3-lockfree: 3 runs, 6 samples, 24 deliveries"), page);
        // kernel: 5-7 against 6-6.75 overlap; Netty and the total are apart
        assertTrue(page.contains("| category | stage3-lockfree |\n|---|---:|\n"), page);
        assertTrue(page.contains("| kernel send and receive path (syscalls) | (+0.00) |\n"), page);
        assertTrue(page.contains("| Netty pipeline and WebSocket encoder | +4.00 |\n"), page);
        assertTrue(page.contains("| **all (measured gateway CPU)** | +4.00 |\n"), page);
        // a category neither target has samples in is zero on both sides, not resolved
        assertTrue(page.contains("| routing | (+0.00) |\n"), page);
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
        assertEquals(3, blocks, "STRESS.md's two (G1 and the Parallel collector) and stage 3's chapter's profile blocks");
    }

    /** A profile that does not say what it was measured on renders nothing. */
    @Test
    void aProfileWithoutItsMachineIsRefused(@TempDir Path dir) throws Exception {
        Path p = Files.createDirectories(dir.resolve("profile"));
        write(p, "unicast", "stage0-rwlock", run(1, 3, 20));
        Path json = p.resolve("unicast-stage0-rwlock.json");
        ObjectNode doc = (ObjectNode) LoadClient.JSON.readTree(json.toFile());
        doc.remove("machine");
        LoadClient.JSON.writeValue(json.toFile(), doc);
        IOException e = assertThrows(IOException.class, () -> ProfileTable.tables(p));
        assertTrue(e.getMessage().contains("no machine"), e.getMessage());
    }

    /** The check's teeth: a cell edited by hand no longer matches the rendering. */
    @Test
    void aHandEditedCellIsCaught(@TempDir Path dir) throws Exception {
        Path p = Files.createDirectories(dir.resolve("profile"));
        write(p, "unicast", "stage0-rwlock", run(1, 3, 20));
        String page = ProfileTable.render("<!-- stress-profile: profile -->\n<!-- /stress-profile -->\n", dir);
        String edited = page.replace("25.0% / 5.00", "20.0% / 4.00");
        assertNotEquals(page, edited);
        assertNotEquals(edited, ProfileTable.render(edited, dir));
    }
}
