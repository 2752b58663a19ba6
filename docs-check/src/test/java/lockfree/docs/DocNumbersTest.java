package lockfree.docs;

import lockfree.docs.DocNumbers.Allowed;
import lockfree.docs.DocNumbers.Figure;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No measured number is typed by hand into the docs' prose: measured figures are rendered from
 * committed raw results between markers (JMH: {@code Report}, stress and Redis:
 * {@code DocTables}), and the prose around them says what they show without quoting them.
 *
 * <p>A figure {@link DocNumbers} flags fails this test unless {@link #ALLOWED} names it for its
 * doc, with the reason it is not a measurement. Before adding an entry, try the prose without
 * the figure: point at the rendered table instead.
 */
class DocNumbersTest {
    /** Figures that look measured but are not, per doc, each with its source. */
    static final List<Allowed> ALLOWED = List.of();

    @Test
    void theDocsProseQuotesNoMeasuredNumberByHand() throws Exception {
        Map<String, List<String>> docs = DocCommandsTest.docs();
        assertFalse(docs.isEmpty(), "found the docs");
        List<Figure> found = DocNumbers.unexplained(docs, ALLOWED);
        assertTrue(found.isEmpty(), found.size() + " figures typed by hand into prose; render them from the raw "
                + "result between markers, or say the finding without the number, or (not a measurement) add "
                + "them to DocNumbersTest.ALLOWED with the reason:\n"
                + found.stream().map(Figure::toString).collect(Collectors.joining("\n")));
    }

    /** Every allow-list entry is still used: a stale entry would let the figure back in unnoticed. */
    @Test
    void everyAllowedFigureIsStillInItsDoc() throws Exception {
        Map<String, List<String>> docs = DocCommandsTest.docs();
        for (Allowed a : ALLOWED) {
            List<String> lines = docs.get(a.doc());
            assertTrue(lines != null && DocNumbers.figures(a.doc(), lines).stream().anyMatch(f -> f.figure().equals(a.figure())),
                    "allowed but no longer in " + a.doc() + ": " + a.figure());
            assertFalse(a.reason().isBlank(), "an allowed figure says why: " + a.figure());
        }
    }

    /** The teeth: a hand-typed measurement in prose is caught; the same figures rendered, in code, or allowed are not. */
    @Test
    void aHandTypedMeasurementIsCaughtAndRenderedOrPlanFiguresPass() throws Exception {
        Path fixtures = DocCommandsTest.ROOT.resolve("docs-check/src/test/resources/numbers");
        List<String> bad = Files.readAllLines(fixtures.resolve("hand-typed.md"));
        List<String> good = Files.readAllLines(fixtures.resolve("rendered.md"));
        List<Allowed> plan = List.of(new Allowed("good.md", "10-20x", "the plan's prediction (DESIGN.md), not a measurement"));

        List<String> caught = DocNumbers.unexplained(Map.of("bad.md", bad), plan).stream().map(Figure::figure).toList();
        assertEquals(List.of("228 ns", "2.3x", "7,017 B", "167,756 /s", "0.19-0.21 ms", "40 %"), caught,
                "each hand-typed measurement in the prose, a table row's included");
        assertEquals(List.of(), DocNumbers.unexplained(Map.of("good.md", good), plan),
                "rendered blocks, code, comments and allowed plan figures pass");
        assertEquals(List.of("10-20x"), DocNumbers.unexplained(Map.of("good.md", good), List.of()).stream().map(Figure::figure).toList(),
                "without its allow-list entry the plan figure is flagged too");
    }
}
