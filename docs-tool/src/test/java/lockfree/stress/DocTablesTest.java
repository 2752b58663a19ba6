package lockfree.stress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stress tables in docs/STRESS.md are what their raw JSON renders to: one source per number. */
class DocTablesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final Path PAGE = ROOT.resolve("docs/STRESS.md");
    private static final Path README = ROOT.resolve("README.md");
    /*
     * The teeth tests render fixed copies of two earlier runs, not the committed results: their
     * assertions name that run's figures, and re-measuring the docs must not change what they check.
     */
    private static final Path FIXTURES = ROOT.resolve("docs-tool/src/test/resources/doc-tables");

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
        Files.copy(FIXTURES.resolve("unicast-10000x10-2026-11-24.json"), json);
        String rendered = DocTables.render("intro\n<!-- stress-table: run.json -->\n<!-- /stress-table -->\nend\n", dir);
        assertTrue(rendered.contains("| **lost** | **0** | **0** | **0** | **0** |"), rendered);
        assertTrue(rendered.startsWith("intro\n<!-- stress-table: run.json -->\n\nFinished 2026-11-24 07:30 UTC, OpenJDK"),
                "when, on what and how the table was measured, from the JSON: " + rendered);
        assertTrue(rendered.contains("; arguments: `--users 10000 --msgs 10 --scenario unicast"), rendered);
        assertTrue(rendered.contains("`\n\n|  | stage0-rwlock |"), rendered);
        assertTrue(rendered.endsWith("interleaved).\n\n<!-- /stress-table -->\nend\n"), "the legend ends the table: " + rendered);

        String edited = rendered.replace("| latency p50 (ms) | 0.311 |", "| latency p50 (ms) | 0.211 |");
        assertNotEquals(rendered, edited);
        assertEquals(rendered, DocTables.render(edited, dir), "rendering restores the JSON's number");

        Files.writeString(json, Files.readString(json).replace("\"p50\" : 0.311295", "\"p50\" : 0.211295"));
        String again = DocTables.render(rendered, dir);
        assertTrue(again.contains("| latency p50 (ms) | 0.211 | 0.317 |"), "a changed result changes the table:\n" + again);
        assertTrue(again.contains("| p50 ratio to stage0-rwlock | - | not resolved (1.50x) |"), again);
    }

    /** README's stress summary is rendered from the same JSON, between its own markers. */
    @Test
    void theReadmesStressSummaryIsItsJsonRendered() throws Exception {
        String readme = Files.readString(README);
        Matcher m = DocTables.SUMMARY.matcher(readme);
        assertTrue(m.find(), "README marks its stress summary");
        for (String file : m.group(2).trim().split("\\s+")) {
            assertTrue(Files.isRegularFile(ROOT.resolve(file)), file);
        }
        assertEquals(readme, DocTables.render(readme, ROOT), "README's stress summary differs from its JSON; ./stress.sh render rewrites it");
    }

    /** The summary's teeth: medians per target from each run, losses summed, a changed result shows. */
    @Test
    void theSummaryTakesEachTargetsFiguresFromEachRun(@TempDir Path dir) throws Exception {
        Path unicast = dir.resolve("u.json");
        Path idle = dir.resolve("i.json");
        Files.copy(FIXTURES.resolve("unicast-10000x10-2026-11-24.json"), unicast);
        Files.copy(FIXTURES.resolve("idle-18000-2026-11-24.json"), idle);
        String page = "<!-- stress-summary: u.json i.json -->\n<!-- /stress-summary -->\n";
        String rendered = DocTables.render(page, dir);
        List<String> stage0 = rendered.lines().filter(l -> l.startsWith("| stage0-rwlock |")).toList();
        assertEquals(1, stage0.size(), rendered);
        // unicast: p50 0.311 ms, p99 4.825 ms, 150 us per delivery; idle: 7097 B heap, 13... B RSS.
        assertTrue(stage0.get(0).startsWith("| stage0-rwlock | 0.311 / 4.825, 150 | 7.1 / "), stage0.get(0));
        assertTrue(stage0.get(0).endsWith(" | 0 / 100000 |"), "idle sends nothing: " + stage0.get(0));
        assertTrue(rendered.contains("`u.json` (2026-11-24, 1 run), `i.json` (2026-11-24, 1 run); OpenJDK"), rendered);

        Files.writeString(unicast, Files.readString(unicast).replace("\"lost\" : 0,", "\"lost\" : 7,"));
        String again = DocTables.render(rendered, dir);
        assertTrue(again.contains(" | 7 / 100000 |"), "a changed result changes the summary:\n" + again);
    }

    /** docs/REDIS.md's publish results and capacity model are their raw results rendered. */
    @Test
    void theRedisCapacityModelIsItsRawResultsRendered() throws Exception {
        Path redis = ROOT.resolve("docs/REDIS.md");
        String page = Files.readString(redis);
        assertTrue(RedisCapacity.CAPACITY.matcher(page).find(), "REDIS.md marks its capacity model");
        assertTrue(RedisCapacity.PUBLISH.matcher(page).find(), "REDIS.md marks its publish results");
        assertEquals(page, RedisCapacity.render(page, redis.getParent()),
                "REDIS.md's capacity model differs from its raw results; ./stress.sh render rewrites it");
    }

    /** The model's teeth: its inputs are the raw results' figures, and the arithmetic follows a changed input. */
    @Test
    void theCapacityModelComputesFromItsInputs(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("stress"));
        Files.createDirectories(dir.resolve("results"));
        for (String f : List.of("stress/scaleout-unicast-100000x1.json", "stress/unicast-10000x10-rate10000.json",
                "stress/scaleout-broadcast-100000x3.json", "results/redis-publish-2026-11-24-quiet.txt")) {
            Files.copy(ROOT.resolve("docs").resolve(f), dir.resolve(f));
        }
        String page = "<!-- redis-capacity: stress/scaleout-unicast-100000x1.json stress/unicast-10000x10-rate10000.json "
                + "stress/scaleout-broadcast-100000x3.json results/redis-publish-2026-11-24-quiet.txt -->\n<!-- /redis-capacity -->\n";
        String rendered = RedisCapacity.render(page, dir);
        // M3 is the lower of the two runs' flat-out maxBatch=256 rates (198586 and 167756 in the file).
        assertTrue(rendered.contains("lowest of the runs: 167,756 /s"), rendered);
        assertTrue(rendered.contains("| M6 | connections per gateway JVM in the scale-out: 100000 / 6 = 16,667 |"), rendered);
        // E9 = 2N / M3: 2e6 / 167756 = 11.9 s.
        assertTrue(rendered.contains("2N / M3 on one shard (s) | 11.9 | 119 |"), rendered);

        Path txt = dir.resolve("results/redis-publish-2026-11-24-quiet.txt");
        Files.writeString(txt, Files.readString(txt).replace("router maxBatch=256       167756", "router maxBatch=256        83878"));
        String again = RedisCapacity.render(rendered, dir);
        assertTrue(again.contains("lowest of the runs: 83,878 /s"), again);
        assertTrue(again.contains("2N / M3 on one shard (s) | 23.8 | 238 |"), "the extrapolation follows its input:\n" + again);
    }
}
