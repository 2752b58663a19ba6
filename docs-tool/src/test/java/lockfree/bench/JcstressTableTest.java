package lockfree.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jcstress tables of the chapters are their raw output rendered ({@link JcstressTable}). The
 * teeth use a made-up fixture in jcstress's summary format (src/test/resources/jcstress), not the
 * committed runs, which are re-measured; the committed runs are only checked to parse whole.
 */
class JcstressTableTest {

    private static final Path FIXTURE = Path.of("src/test/resources/jcstress/summary.txt");
    /** The made-up tests' sources, whose @Outcome declarations give each outcome's words. */
    private static final Path SOURCES = Path.of("src/test/resources/jcstress/src/test/java");
    private static final String PAGE = "# A chapter\n\n<!-- jcstress-table: run.txt -->\n<!-- /jcstress-table -->\n\nAfter.\n";
    private static final String CAPTION = "Run of [run.txt](run.txt): `RECORD=1 ./jcstress.sh all ci`; machine: 2 CPUs, load "
            + "average (1, 5, 15 min) at the start 0.10 0.20 0.30, at the end 1.90 0.80 0.40; JDK: OpenJDK Runtime "
            + "Environment (build 17.0.15+6-Debian-1deb12u1); date: 2026-12-01 10:00 UTC.";

    @Test
    void theSummaryIsReadTestByTestWithItsRun() throws Exception {
        JcstressTable.Result r = JcstressTable.read(FIXTURE);
        assertEquals(new Captions.Run("RECORD=1 ./jcstress.sh all ci", "2 CPUs, load average (1, 5, 15 min) at the start "
                + "0.10 0.20 0.30, at the end 1.90 0.80 0.40", "OpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)",
                "2026-12-01 10:00 UTC"), r.run());
        assertEquals(List.of("Stage9_01_Race.Broken", "Stage9_02_Publish.Fixed", "Stage9_03_Rare.Broken"),
                r.tests().stream().map(JcstressTable.Test::shortName).toList());
        JcstressTable.Test race = r.tests().get(0);
        assertEquals(100_000, race.runs());
        assertEquals(4, race.seen(JcstressTable.Expect.INTERESTING));
        assertEquals(new JcstressTable.Outcome("1, 1, 2", 4, "<0.01%", JcstressTable.Expect.INTERESTING,
                "Both saw A: made up for this test, and longer than jcst..."), race.outcomes().get(0));
        assertEquals("FAILED", r.tests().get(1).status());
        assertEquals(2, r.tests().get(1).seen(JcstressTable.Expect.FORBIDDEN));
    }

    @Test
    void eachOutcomeIsOneRowInTheWordsItsTestDeclares() throws Exception {
        JcstressTable.Result r = JcstressTable.read(FIXTURE);
        String table = JcstressTable.table(r, "run.txt", JcstressTable.meanings(r, SOURCES));
        // jcstress cut the description at its column; the row has the declaration's whole sentence.
        assertTrue(table.contains("| `Stage9_01_Race.Broken` | 100,000 | `1, 1, 2` | **interesting** | Both saw A: made up for this "
                + "test, and longer than jcstress's column (\"kicked twice\"). | **seen** 4 (<0.01%) |\n"
                + "|  |  | `1, 2, 3` | acceptable | B first. | 60,000 (60.00%) |\n"
                + "|  |  | `3, 1, 2` | acceptable | C first. | 39,996 (40.00%) |\n"), table);
        // An outcome no id names has the default declaration's words.
        assertTrue(table.contains("|  |  | `0, 0` | forbidden | Half-built: made up for this test. | **SEEN 2 (<0.01%)** |\n"), table);
        assertTrue(table.contains("| `Stage9_02_Publish.Fixed` **FAILED** | 10,000 | `-1, -1` | acceptable | Not published yet. "
                + "| 1,000 (10.00%) |\n"), table);
        assertTrue(table.contains("| `Stage9_03_Rare.Broken` | 250,000 | `1, 2` | **interesting** | Stranded: made up for this test. "
                + "| not seen |\n"), table);
        assertTrue(table.endsWith(CAPTION + "\n"), table);
    }

    /** The teeth of the words: a test whose declaration changed after the run, or a test without a source, is an error. */
    @Test
    void aDeclarationThatDisagreesWithTheRunIsAnError(@TempDir Path dir) throws Exception {
        copySources(dir);
        Path race = dir.resolve("src/test/java/lockfree/stage9/jcstress/Stage9_01_Race.java");
        Files.writeString(race, Files.readString(race).replace("desc = \"B first.\"", "desc = \"B, then C.\""));
        JcstressTable.Result r = JcstressTable.read(FIXTURE);
        assertTrue(assertThrows(IOException.class, () -> JcstressTable.meanings(r, dir.resolve("src/test/java"))).getMessage()
                .contains("the test changed since the run"));
        Files.writeString(race, Files.readString(race).replace("B, then C.", "B first.")
                .replace("expect = ACCEPTABLE, desc = \"C first.\"", "expect = ACCEPTABLE_INTERESTING, desc = \"C first.\""));
        assertThrows(IOException.class, () -> JcstressTable.meanings(r, dir.resolve("src/test/java")), "a changed expectation");
        Files.delete(race);
        assertTrue(assertThrows(IOException.class, () -> JcstressTable.meanings(r, dir.resolve("src/test/java"))).getMessage()
                .contains("no source for lockfree.stage9.jcstress.Stage9_01_Race.Broken"));
        // A declaration in a comment is not one; a ")" or a "//" inside a description is text.
        assertEquals(List.of(), OutcomeDescriptions.parse("// @Outcome(id = \"1\", expect = FORBIDDEN, desc = \"x\")\nclass A {}")
                .declared("A"));
        assertEquals(List.of(new OutcomeDescriptions.Declared(List.of("1"), JcstressTable.Expect.FORBIDDEN, "a) b // c")),
                OutcomeDescriptions.parse("/* x */ @Outcome(id = \"1\", expect = FORBIDDEN, desc = \"a) b \" + \"// c\") class B {}")
                        .declared("B"));
    }

    /**
     * A test's outcomes include those it inherits, as jcstress sees them through {@code @Inherited}: one
     * {@code @Outcome} of its own adds to the superclass's (a container of two or more); two or more of its
     * own replace them. The superclass is found by the test file's import under the kit's root.
     */
    @Test
    void aTestTakesTheOutcomesOfTheKitClassItExtends(@TempDir Path dir) throws Exception {
        Path kit = dir.resolve("testkit/src/main/java");
        Path tests = dir.resolve("stage9/src/test/java");
        Files.createDirectories(kit.resolve("lockfree/kit"));
        Files.createDirectories(tests.resolve("lockfree/stage9/jcstress"));
        Files.writeString(kit.resolve("lockfree/kit/Race.java"), """
                package lockfree.kit;
                public final class Race {
                    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "B first.")
                    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
                    public abstract static class Outcomes {
                    }
                }
                """);
        Files.writeString(tests.resolve("lockfree/stage9/jcstress/Stage9_09_Kit.java"), """
                package lockfree.stage9.jcstress;
                import lockfree.kit.Race;
                public class Stage9_09_Kit {
                    @Outcome(id = "1, 1", expect = ACCEPTABLE_INTERESTING, desc = "Both saw A.")
                    public static class Broken extends Race.Outcomes {
                    }
                    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Both saw A.")
                    @Outcome(expect = ACCEPTABLE, desc = "Its own default.")
                    public static class Listed extends Race.Outcomes {
                    }
                    public static class Silent extends Broken {
                    }
                }
                """);
        OutcomeDescriptions.Declared b = new OutcomeDescriptions.Declared(List.of("1, 2"), JcstressTable.Expect.ACCEPTABLE, "B first.");
        OutcomeDescriptions.Declared other = new OutcomeDescriptions.Declared(List.of(), JcstressTable.Expect.FORBIDDEN, "Anything else.");
        OutcomeDescriptions.Declared both = new OutcomeDescriptions.Declared(List.of("1, 1"), JcstressTable.Expect.INTERESTING, "Both saw A.");
        assertEquals(List.of(b, other, both), OutcomeDescriptions.of("lockfree.stage9.jcstress.Stage9_09_Kit.Broken", tests, kit));
        assertEquals(List.of(b, other, both), OutcomeDescriptions.of("lockfree.stage9.jcstress.Stage9_09_Kit.Silent", tests, kit),
                "a class of the same file is a superclass too, and what it inherits comes along");
        assertEquals(List.of(new OutcomeDescriptions.Declared(List.of("1, 1"), JcstressTable.Expect.FORBIDDEN, "Both saw A."),
                        new OutcomeDescriptions.Declared(List.of(), JcstressTable.Expect.ACCEPTABLE, "Its own default.")),
                OutcomeDescriptions.of("lockfree.stage9.jcstress.Stage9_09_Kit.Listed", tests, kit),
                "two of its own replace the inherited container");

        // The words of an inherited outcome are the kit's: a run that recorded others disagrees with the source.
        JcstressTable.Outcome seen = new JcstressTable.Outcome("1, 2", 5, "50.00%", JcstressTable.Expect.ACCEPTABLE, "B first.");
        assertEquals("B first.", OutcomeDescriptions.meaning(
                OutcomeDescriptions.of("lockfree.stage9.jcstress.Stage9_09_Kit.Broken", tests, kit), seen, "Broken"));
        Files.writeString(kit.resolve("lockfree/kit/Race.java"),
                Files.readString(kit.resolve("lockfree/kit/Race.java")).replace("B first.", "B, then C."));
        List<OutcomeDescriptions.Declared> edited = OutcomeDescriptions.of("lockfree.stage9.jcstress.Stage9_09_Kit.Broken", tests, kit);
        assertTrue(assertThrows(IOException.class, () -> OutcomeDescriptions.meaning(edited, seen, "Broken")).getMessage()
                .contains("the test changed since the run"));

        // Without the kit's root the superclass's outcomes cannot be read: an error, not a table without them.
        assertTrue(assertThrows(IOException.class, () -> OutcomeDescriptions.of("lockfree.stage9.jcstress.Stage9_09_Kit.Broken", tests))
                .getMessage().contains("extends Race.Outcomes, whose source is under none of"));
    }

    private static void copySources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = dir.resolve("src/test/java").resolve(SOURCES.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
    }

    /** The teeth: a hand-edited count, a "seen" where the file has 0, a dropped outcome, an edited meaning or a wrong caption do not survive. */
    @Test
    void aBlockThatDisagreesWithItsRawFileIsRejected(@TempDir Path dir) throws Exception {
        Files.copy(FIXTURE, dir.resolve("run.txt"));
        copySources(dir);
        String rendered = Report.renderPage(PAGE, dir);
        assertEquals(rendered, Report.renderPage(rendered, dir), "rendering is stable");
        assertEquals(List.of(), Captions.problems("page.md", rendered, dir));

        List<String> edits = List.of(
                rendered.replace("| 100,000 |", "| 100,001 |"),                            // a count typed by hand
                rendered.replace("| Stranded: made up for this test. | not seen |",
                        "| Stranded: made up for this test. | **seen** 3 (<0.01%) |"),      // a race claimed where the file has 0
                rendered.replace("| **SEEN 2 (<0.01%)** |", "| not seen |"),              // a forbidden outcome hidden
                rendered.replace("| C first. |", "| C first, always. |"),                  // a meaning edited by hand
                rendered.lines().filter(l -> !l.startsWith("| `Stage9_03_Rare.Broken`"))   // an outcome left out
                        .reduce("", (a, l) -> a + l + "\n"));
        for (String edited : edits) {
            assertNotEquals(rendered, edited, "the edit changed the page");
            assertEquals(rendered, Report.renderPage(edited, dir), "rendering restores the raw file's table:\n" + edited);
        }

        List<String> caption = Captions.problems("page.md", rendered.replace("date: 2026-12-01", "date: 2026-11-24"), dir);
        assertTrue(caption.size() == 1 && caption.get(0).startsWith("page.md: jcstress-table run.txt: its caption disagrees"),
                caption.toString());
        List<String> none = Captions.problems("page.md", rendered.replace(CAPTION + "\n", ""), dir);
        assertTrue(none.size() == 1 && none.get(0).contains("no caption line"), none.toString());

        // A re-run that sees the rare outcome: the same page now renders "seen".
        Files.writeString(dir.resolve("run.txt"), Files.readString(dir.resolve("run.txt"))
                .replace("    1, 2        0    0.00%  Interesting", "    1, 2        5   <0.01%  Interesting"));
        String rerun = Report.renderPage(rendered, dir);
        assertTrue(rerun.contains("| `Stage9_03_Rare.Broken` | 250,005 | `1, 2` | **interesting** | Stranded: made up for this test. "
                + "| **seen** 5 (<0.01%) |"), rerun);
    }

    @Test
    void aRowThatIsNotAnOutcomeOrATestWithoutItsTableIsAnError() throws Exception {
        List<String> lines = Files.readAllLines(FIXTURE);
        List<String> garbled = new ArrayList<>(lines);
        garbled.set(lines.indexOf("  1, 2, 3   60,000   60.00%   Acceptable  B first."), "  1, 2, 3   sixty   60.00%   Acceptable  B first.");
        assertTrue(assertThrows(IOException.class, () -> JcstressTable.parse(garbled, "run.txt")).getMessage()
                .contains("not an outcome row of lockfree.stage9.jcstress.Stage9_01_Race.Broken"));
        List<String> cut = lines.subList(0, lines.indexOf(".......... [OK] lockfree.stage9.jcstress.Stage9_03_Rare.Broken") + 2);
        assertThrows(IOException.class, () -> JcstressTable.parse(cut, "run.txt"), "a test whose table was cut off");
        assertThrows(IOException.class, () -> JcstressTable.parse(lines.subList(0, 5), "run.txt"), "no test at all");
    }

    private static final Path ROOT = Path.of("..");
    private static final Pattern TEST_LINE = Pattern.compile("(?m)^\\.{3,} \\[\\w+] (\\S+)$");

    /** The committed runs: every test line of each file is read (none lost), each with its run recorded and shown by its chapter. */
    @Test
    void everyCommittedRunParsesWholeAndIsShownByItsChapter() throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> stages = Files.list(ROOT)) {
            for (Path stage : stages.filter(d -> d.getFileName().toString().matches("stage\\d+-.*")).sorted().toList()) {
                try (Stream<Path> docs = Files.exists(stage.resolve("docs")) ? Files.list(stage.resolve("docs")) : Stream.empty()) {
                    docs.filter(f -> f.getFileName().toString().matches("jcstress-.*\\.txt")).sorted().forEach(files::add);
                }
            }
        }
        assertTrue(files.size() >= 4, "found the committed jcstress runs: " + files);
        for (Path f : files) {
            Set<String> named = new TreeSet<>();
            Matcher m = TEST_LINE.matcher(Files.readString(f));
            while (m.find()) {
                named.add(m.group(1));
            }
            JcstressTable.Result r = JcstressTable.read(f);
            assertEquals(named, new TreeSet<>(r.tests().stream().map(JcstressTable.Test::name).toList()), f + ": every test read");
            assertFalse(List.of(r.run().command(), r.run().date(), r.run().jdk(), r.run().machine()).contains(Captions.NOT_RECORDED),
                    f + " records its run: " + r.run());
            for (JcstressTable.Test t : r.tests()) {
                assertTrue(t.runs() > 0, f + ": " + t.name() + " ran");
            }
            String chapter = Files.readString(f.getParent().getParent().resolve("README.md"));
            assertTrue(chapter.contains("<!-- jcstress-table: docs/" + f.getFileName() + " -->"),
                    f.getParent().getParent().getFileName() + "/README.md renders " + f.getFileName());
        }
    }
}
