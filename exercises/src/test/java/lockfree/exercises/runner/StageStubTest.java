package lockfree.exercises.runner;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exercise whose reference solution is a stage's own class (ex02: stage 0's
 * RwLockSessionManager) hands the learner that class with the methods to write emptied. Its stub
 * is kept in git, because the learner edits it, so it could drift from the stage: this test holds
 * it to the stage line for line. The only lines allowed to differ are the package line, the class's
 * doc comment (the stub's explains the exercise) and the bodies of the methods the learner writes,
 * which the stub marks by throwing {@code UnsupportedOperationException("TODO...")}. A fix to the
 * stage class therefore fails this test until it is carried into the stub.
 */
class StageStubTest {
    private static final Pattern CLASS_LINE = Pattern.compile("public (final |abstract )?(class|interface|record) .*");
    private static final String TODO = "throw new UnsupportedOperationException(\"TODO";

    @TestFactory
    Stream<DynamicTest> everyStubOfAStageClassIsThatClassWithTheExerciseLeftOut() {
        Path exercises = ExercisesProofTest.repositoryRoot().resolve("exercises");
        List<DynamicTest> tests = new ArrayList<>();
        for (Exercise ex : Manifest.load(exercises.resolve("exercises.toml")).exercises()) {
            for (int i = 0; i < ex.solution().size(); i++) {
                Path solution = exercises.resolve(ex.solution().get(i)).normalize();
                if (!solution.startsWith(exercises)) { // a stage's class, not a file under solutions/
                    Path stub = exercises.resolve(ex.stub().get(i));
                    tests.add(DynamicTest.dynamicTest(ex.name() + ": " + stub.getFileName(), () -> {
                        List<String> drift = drift(read(stub), read(solution));
                        assertEquals(List.of(), drift, stub + " drifted from " + solution);
                    }));
                }
            }
        }
        assertFalse(tests.isEmpty(), "ex02's solution is stage 0's class: at least that stub is checked");
        return tests.stream();
    }

    /** The check's teeth: a stub that changed a line outside its TODO bodies, or lost a line, is reported. */
    @Test
    void aStubThatDiffersOutsideItsTodoBodiesIsReported() {
        List<String> stage = List.of("package a.b;", "", "/**", " * Stage doc.", " */",
                "public final class X {", "    private final int n = 1;", "",
                "    public int f() {", "        return n;", "    }", "",
                "    public int g() {", "        int m = n;", "        return m + 1;", "    }", "}");
        List<String> good = List.of("package ex.y;", "", "/**", " * Exercise doc,", " * longer.", " */",
                "public final class X {", "    private final int n = 1;", "",
                "    public int f() {", "        return n;", "    }", "",
                "    public int g() {", "        " + TODO + ": g\");", "    }", "}");
        assertEquals(List.of(), drift(good, stage));

        List<String> changedField = new ArrayList<>(good);
        changedField.set(7, "    private final int n = 2;");
        assertEquals(1, drift(changedField, stage).size(), drift(changedField, stage).toString());

        List<String> changedOtherBody = new ArrayList<>(good);
        changedOtherBody.set(10, "        return n + 0;");
        assertTrue(drift(changedOtherBody, stage).get(0).contains("return n + 0;"), drift(changedOtherBody, stage).toString());

        List<String> missingLine = new ArrayList<>(good);
        missingLine.remove(8);
        assertFalse(drift(missingLine, stage).isEmpty());
    }

    /**
     * The lines where {@code stub} and {@code stage} differ once the package line, the class doc
     * comment and the bodies of the stub's TODO methods are set aside; empty when they agree.
     */
    static List<String> drift(List<String> stub, List<String> stage) {
        List<String> a = comparable(stub, stub);
        List<String> b = comparable(stage, stub);
        List<String> drift = new ArrayList<>();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<end of stub>";
            String y = i < b.size() ? b.get(i) : "<end of stage class>";
            if (!x.equals(y)) {
                drift.add("line " + (i + 1) + " of the compared text: stub has [" + x + "], stage has [" + y + "]");
                if (drift.size() == 5) {
                    break; // one shifted line shifts all the rest: the first few say where
                }
            }
        }
        return drift;
    }

    /** {@code lines} without the package line and the class doc comment, with each body the stub leaves TODO replaced by a marker. */
    private static List<String> comparable(List<String> lines, List<String> stub) {
        List<String> out = new ArrayList<>();
        int classLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (CLASS_LINE.matcher(lines.get(i)).matches()) {
                classLine = i;
                break;
            }
        }
        int docStart = classLine;
        if (classLine > 0 && lines.get(classLine - 1).equals(" */")) {
            do {
                docStart--;
            } while (docStart > 0 && !lines.get(docStart).startsWith("/**"));
        }
        List<String> todoMethods = todoMethods(stub);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("package ") || i >= docStart && i < classLine) {
                continue;
            }
            out.add(line);
            if (todoMethods.contains(line)) {
                out.add("<the exercise's body>");
                while (i + 1 < lines.size() && !lines.get(i + 1).equals("    }")) {
                    i++;
                }
            }
        }
        return out;
    }

    /** The signature lines (a member's line ending in "{") of the methods whose body in the stub is a TODO throw. */
    private static List<String> todoMethods(List<String> stub) {
        List<String> signatures = new ArrayList<>();
        for (int i = 0; i < stub.size(); i++) {
            if (stub.get(i).contains(TODO)) {
                int s = i - 1;
                while (s >= 0 && !(stub.get(s).startsWith("    ") && !stub.get(s).startsWith("     ") && stub.get(s).endsWith("{"))) {
                    s--;
                }
                if (s >= 0) {
                    signatures.add(stub.get(s));
                }
            }
        }
        return signatures;
    }

    private static List<String> read(Path file) throws IOException {
        return Files.readAllLines(file);
    }
}
