package lockfree.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each jcstress outcome means, in the words its test declares ({@code @Outcome(id = ..., expect
 * = ..., desc = ...)}), read from the test's source. jcstress's summary prints the description cut
 * to a column's width ("...") and the stage modules' test classes are not on this module's class
 * path, so the source is the one place that has the whole sentence.
 *
 * <p>The source is parsed just enough for jcstress's annotations: comments are dropped, each
 * {@code @Outcome(...)} is read with its string literals (an id or a list of ids, the expectation,
 * a description that may be concatenated from several literals), and the annotations before a
 * {@code class} declaration belong to that class. A recorded outcome whose description or
 * expectation disagrees with the source's is an error: the test changed after the run was recorded,
 * and the run must be recorded again.
 *
 * <p>A test may take outcomes from the class it extends (the stages share a race's common outcomes
 * from the test kit, e.g. {@code OneUserRace.ReLoginOutcomes}). They are resolved as jcstress's
 * annotation processor sees them through Java's {@code @Inherited}: {@code @Outcome} and its
 * container are inherited each on its own, so a class that declares one {@code @Outcome} keeps its
 * superclass's container (two or more) besides, while a class that declares two or more has a
 * container of its own, which replaces the inherited one. The superclass's source is found by the
 * test file's imports (or its package, or the file itself) under the given source roots.
 */
final class OutcomeDescriptions {
    /** One declared outcome: its ids (none for the default outcome), its expectation as jcstress prints it, its words. */
    record Declared(List<String> ids, JcstressTable.Expect expect, String desc) {
    }

    private static final Pattern OUTCOME_OR_CLASS = Pattern.compile(
            "@Outcome\\s*\\(|\\bclass\\s+(\\w+)(?:\\s*<[^{]*?>)?(?:\\s+extends\\s+([\\w.]+))?");
    private static final Pattern IMPORT = Pattern.compile("\\bimport\\s+([\\w.]+)\\s*;");
    private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern EXPECT = Pattern.compile("expect\\s*=\\s*(?:Expect\\.)?(\\w+)");

    private final Map<String, List<Declared>> byClass;
    /** The name each class extends, as the source writes it ({@code OneUserRace.ReLoginOutcomes}). */
    private final Map<String, String> superOf;
    private final String pkg;
    private final List<String> imports;

    private OutcomeDescriptions(Map<String, List<Declared>> byClass, Map<String, String> superOf, String pkg, List<String> imports) {
        this.byClass = byClass;
        this.superOf = superOf;
        this.pkg = pkg;
        this.imports = imports;
    }

    /** What the class {@code simpleName} of this source declares, or nothing. */
    List<Declared> declared(String simpleName) {
        return byClass.getOrDefault(simpleName, List.of());
    }

    /** The outcomes each class of one source file declares, by simple class name. */
    static OutcomeDescriptions parse(String source) throws IOException {
        String code = withoutComments(source);
        Map<String, List<Declared>> byClass = new HashMap<>();
        Map<String, String> superOf = new HashMap<>();
        List<Declared> pending = new ArrayList<>();
        Matcher m = OUTCOME_OR_CLASS.matcher(code);
        int from = 0;
        while (m.find(from)) {
            if (m.group(1) != null) {
                byClass.put(m.group(1), List.copyOf(pending));
                if (m.group(2) != null) {
                    superOf.put(m.group(1), m.group(2));
                }
                pending.clear();
                from = m.end();
                continue;
            }
            int end = closingParen(code, m.end() - 1);
            pending.add(annotation(code.substring(m.end(), end)));
            from = end + 1;
        }
        Matcher p = PACKAGE.matcher(code);
        List<String> imports = new ArrayList<>();
        for (Matcher i = IMPORT.matcher(code); i.find(); ) {
            imports.add(i.group(1));
        }
        return new OutcomeDescriptions(byClass, superOf, p.find() ? p.group(1) : "", List.copyOf(imports));
    }

    /**
     * The outcomes of the test {@code testName} (package.Outer[.Inner]): its own and those it
     * inherits, read from the sources under {@code roots} (the test's own source root first, then
     * the roots of the classes it may extend).
     */
    static List<Declared> of(String testName, Path... roots) throws IOException {
        String[] parts = testName.split("\\.");
        // The outer class is the first capitalised part: package parts are lower case.
        int first = 0;
        while (first < parts.length && !Character.isUpperCase(parts[first].charAt(0))) {
            first++;
        }
        if (first == parts.length) {
            throw new IOException("not a class name: " + testName);
        }
        String outer = String.join(".", java.util.Arrays.copyOfRange(parts, 0, first + 1));
        Path file = source(outer, roots);
        if (file == null) {
            throw new IOException("no source for " + testName + " at " + roots[0].resolve(outer.replace('.', '/') + ".java")
                    + ": the outcome descriptions are read from it");
        }
        Inherited d = inherited(parse(Files.readString(file)), parts[parts.length - 1], file, roots, 0);
        if (d.all().isEmpty()) {
            throw new IOException(file + " declares no @Outcome for " + parts[parts.length - 1]);
        }
        return d.all();
    }

    /** What one class presents, as javac's {@code getAnnotation} does: the container of several, and a single one. */
    private record Inherited(List<Declared> container, Declared single) {
        List<Declared> all() {
            List<Declared> all = new ArrayList<>(container);
            if (single != null) {
                all.add(single);
            }
            return List.copyOf(all);
        }
    }

    private static Inherited inherited(OutcomeDescriptions source, String simpleName, Path file, Path[] roots, int depth)
            throws IOException {
        List<Declared> own = source.byClass.get(simpleName);
        if (own == null) {
            throw new IOException(file + " declares no class " + simpleName);
        }
        String parent = source.superOf.get(simpleName);
        Inherited up = new Inherited(List.of(), null);
        if (parent != null) {
            if (depth > 20) {
                throw new IOException(file + ": " + simpleName + " extends too deep a chain of classes");
            }
            String parentSimple = parent.substring(parent.lastIndexOf('.') + 1);
            Path parentFile = source.resolve(parent, file, roots);
            if (parentFile == null) {
                throw new IOException(file + ": " + simpleName + " extends " + parent + ", whose source is under none of "
                        + List.of(roots) + ": the outcomes it may inherit are read from it");
            }
            OutcomeDescriptions parentSource = parentFile.equals(file) ? source : parse(Files.readString(parentFile));
            up = inherited(parentSource, parentSimple, parentFile, roots, depth + 1);
        }
        // @Outcome and its container are each @Inherited: one declared here hides only the inherited single one,
        // two or more (a container) hide only the inherited container.
        return new Inherited(own.size() >= 2 ? own : up.container(), own.size() == 1 ? own.get(0) : up.single());
    }

    /** The file of a class this source names ({@code Name} or {@code Outer.Nested}): this file, an import, or this package. */
    private Path resolve(String name, Path file, Path[] roots) {
        String head = name.split("\\.")[0];
        if (byClass.containsKey(head)) {
            return file;
        }
        for (String imported : imports) {
            if (imported.endsWith("." + head)) {
                return source(imported, roots);
            }
        }
        return source(pkg.isEmpty() ? head : pkg + "." + head, roots);
    }

    /** The source file of the top-level class {@code qualified} under the first root that has it, or null. */
    private static Path source(String qualified, Path[] roots) {
        for (Path root : roots) {
            Path f = root.resolve(qualified.replace('.', '/') + ".java");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        return null;
    }

    /**
     * The declared words of one recorded outcome: the outcome declared with its id, else the
     * default (the one without an id). The recorded description (jcstress cuts it with "...") must
     * begin the declared one and the expectations must agree.
     */
    static String meaning(List<Declared> declared, JcstressTable.Outcome recorded, String test) throws IOException {
        Declared match = null;
        for (Declared d : declared) {
            if (d.ids().stream().anyMatch(id -> id.replaceAll("\\s+", " ").equals(recorded.id().replaceAll("\\s+", " ")))) {
                match = d;
                break;
            }
        }
        if (match == null) {
            match = declared.stream().filter(d -> d.ids().isEmpty()).findFirst()
                    .orElseThrow(() -> new IOException(test + " declares no outcome " + recorded.id() + " and no default"));
        }
        String cut = recorded.description().replaceFirst("\\.\\.\\.$", "");
        if (match.expect() != recorded.expect() || !match.desc().startsWith(cut)) {
            throw new IOException(test + ", outcome " + recorded.id() + ": the run recorded " + recorded.expect() + " \""
                    + recorded.description() + "\", the source declares " + match.expect() + " \"" + match.desc()
                    + "\": the test changed since the run; record it again (RECORD=1 ./jcstress.sh ...)");
        }
        return match.desc();
    }

    private static Declared annotation(String args) throws IOException {
        List<String> ids = new ArrayList<>();
        Matcher id = Pattern.compile("\\bid\\s*=\\s*(\\{[^}]*}|\"(?:[^\"\\\\]|\\\\.)*\")").matcher(args);
        String rest = args;
        if (id.find()) {
            Matcher s = STRING.matcher(id.group(1));
            while (s.find()) {
                ids.add(unescape(s.group(1)));
            }
            rest = args.substring(0, id.start()) + args.substring(id.end());
        }
        Matcher e = EXPECT.matcher(rest);
        if (!e.find()) {
            throw new IOException("an @Outcome without expect: " + args);
        }
        JcstressTable.Expect expect = switch (e.group(1)) {
            case "ACCEPTABLE" -> JcstressTable.Expect.ACCEPTABLE;
            case "ACCEPTABLE_INTERESTING" -> JcstressTable.Expect.INTERESTING;
            case "FORBIDDEN" -> JcstressTable.Expect.FORBIDDEN;
            default -> throw new IOException("an @Outcome expectation this table does not know: " + e.group(1));
        };
        int desc = rest.indexOf("desc");
        StringBuilder words = new StringBuilder();
        if (desc >= 0) {
            Matcher s = STRING.matcher(rest.substring(desc));
            while (s.find()) {
                words.append(unescape(s.group(1)));
            }
        }
        return new Declared(List.copyOf(ids), expect, words.toString());
    }

    private static String unescape(String literal) {
        return literal.replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** The index of the parenthesis that closes the one at {@code open}, skipping string literals. */
    private static int closingParen(String code, int open) throws IOException {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '"') {
                for (i++; i < code.length() && code.charAt(i) != '"'; i++) {
                    if (code.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IOException("an @Outcome( that never closes");
    }

    /** The source without its comments; string literals kept as they are (a "//" inside one is text). */
    static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"') {
                int j = i + 1;
                for (; j < source.length() && source.charAt(j) != '"'; j++) {
                    if (source.charAt(j) == '\\') {
                        j++;
                    }
                }
                out.append(source, i, Math.min(j + 1, source.length()));
                i = j;
            } else if (c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '/') {
                int nl = source.indexOf('\n', i);
                i = nl < 0 ? source.length() : nl - 1;
            } else if (c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '*') {
                int close = source.indexOf("*/", i + 2);
                i = close < 0 ? source.length() : close + 1;
                out.append(' ');
            } else if (c == '\'' && i + 2 < source.length()) {
                // a char literal such as '"' must not open a string
                int close = source.indexOf('\'', i + (source.charAt(i + 1) == '\\' ? 3 : 2));
                out.append(source, i, close < 0 ? source.length() : close + 1);
                i = close < 0 ? source.length() : close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
