package lockfree.exercises.runner;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import lockfree.common.testkit.Stalls;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Compiles one exercise and runs its tests, inside this JVM: javac through {@code javax.tools}, then
 * the JUnit Platform {@link Launcher}. No Maven, no new JVM: after the first run (which pays for
 * class loading and JIT warm-up) a check costs about as much as compiling two small files and
 * running the tests themselves. That is what makes watch mode's save-to-verdict fast.
 *
 * <p>Each check compiles into a fresh directory and loads the result with a fresh
 * {@link ExerciseClassLoader}, which loads the exercise's package child-first. The stubs compiled by
 * Maven are also on this JVM's class path (in {@code target/classes}); child-first loading is what
 * makes the tests see the learner's latest code instead of those.
 *
 * <p>Not thread-safe: one check at a time (the runner and the proof test both work sequentially).
 */
public final class Checker implements AutoCloseable {
    /* Where the stubs sit in the class path of this JVM; kept for compiling against common etc. */
    private final String classPath;
    private final JavaCompiler javac;
    private final StandardJavaFileManager files;
    private Launcher launcher;
    /* The JVM the next Lincheck test classes will run in, already started; null until needed. */
    private ForkedTests.Standby standby;

    public Checker() {
        this(System.getProperty("java.class.path"));
    }

    public Checker(String classPath) {
        this.classPath = classPath;
        this.javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this runtime (" + System.getProperty("java.home")
                    + "): run the workshop with a JDK, not a JRE");
        }
        this.files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
        try {
            files.setLocation(StandardLocation.CLASS_PATH, Stream.of(classPath.split(File.pathSeparator))
                    .filter(s -> !s.isBlank()).map(File::new).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.launcher = LauncherFactory.create();
    }

    /**
     * Compiles {@code mainSources} and {@code testSources} (file name -> text) as the exercise's
     * package and runs its test classes.
     */
    public Verdict check(Exercise ex, Map<String, String> mainSources, Map<String, String> testSources) {
        return check(ex, mainSources, testSources, ex.tests());
    }

    /**
     * Runs only the given tests: each a test class ({@code pkg.Test}) or one method of it
     * ({@code pkg.Test#method}). The mutation proof runs a wrong solution against the tests that
     * are meant to reject it, not the whole suite.
     */
    public Verdict checkSelected(Exercise ex, Map<String, String> mainSources, Map<String, String> testSources, List<String> tests) {
        return check(ex, mainSources, testSources, tests);
    }

    /**
     * Waits until the JVM for the next Lincheck check has warmed up, if one is starting: what the
     * learner's editing time gives it between two saves.
     */
    void awaitStandby() throws InterruptedException {
        if (standby != null) {
            standby.awaitReady();
        }
    }

    /** The same, for the thorough check: the exercise's slower test classes. */
    public Verdict checkThorough(Exercise ex, Map<String, String> mainSources, Map<String, String> testSources) {
        return check(ex, mainSources, testSources, ex.thorough());
    }

    private Verdict check(Exercise ex, Map<String, String> mainSources, Map<String, String> testSources, List<String> testClasses) {
        Path out;
        try {
            out = Files.createTempDirectory("workshop-" + ex.name() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            long start = System.nanoTime();
            List<String> errors = compile(ex, mainSources, testSources, out);
            long compileNanos = System.nanoTime() - start;
            if (!errors.isEmpty()) {
                return new Verdict.CompileFailed(ex.name(), errors, compileNanos);
            }
            return runTests(ex, testClasses, mainSources.keySet(), out, compileNanos, testSources);
        } finally {
            deleteTree(out);
        }
    }

    private List<String> compile(Exercise ex, Map<String, String> mainSources, Map<String, String> testSources, Path out) {
        List<JavaFileObject> units = new ArrayList<>();
        mainSources.forEach((name, text) -> units.add(new Source(ex.packagePath() + "/" + name, text)));
        testSources.forEach((name, text) -> units.add(new Source(ex.packagePath() + "/" + name, text)));
        try {
            files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        // --release 17 keeps learners on the language level the build uses, whatever JDK runs us.
        List<String> options = List.of("--release", "17", "-proc:none", "-g", "-parameters", "-encoding", "UTF-8");
        StringWriter javacOutput = new StringWriter();
        boolean ok = javac.getTask(javacOutput, files, diagnostics, options, null, units).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(describe(d));
            }
        }
        if (!ok && errors.isEmpty()) {
            errors.add("javac failed: " + javacOutput);
        }
        return errors;
    }

    private static String describe(Diagnostic<? extends JavaFileObject> d) {
        String file = d.getSource() == null ? "" : fileNameOf(d.getSource().getName());
        StringBuilder sb = new StringBuilder();
        sb.append(file);
        if (d.getLineNumber() > 0) {
            sb.append(':').append(d.getLineNumber());
        }
        sb.append(": ").append(d.getMessage(Locale.ROOT));
        if (d.getSource() != null && d.getLineNumber() > 0) {
            try {
                String[] lines = d.getSource().getCharContent(true).toString().split("\n", -1);
                String line = lines[(int) d.getLineNumber() - 1];
                sb.append('\n').append(line.stripTrailing());
                if (d.getColumnNumber() > 0) {
                    sb.append('\n').append(" ".repeat((int) d.getColumnNumber() - 1)).append('^');
                }
            } catch (IOException | IndexOutOfBoundsException ignored) {
                // the message alone is still useful
            }
        }
        return sb.toString();
    }

    private static String fileNameOf(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    private Verdict runTests(Exercise ex, List<String> testClasses, Set<String> mainFiles, Path out, long compileNanos,
                             Map<String, String> testSources) {
        long start = System.nanoTime();
        List<String> inProcess = new ArrayList<>();
        List<String> forked = new ArrayList<>();
        for (String test : testClasses) {
            (usesLincheck(test, testSources) ? forked : inProcess).add(test);
        }
        // The forked JVM starts first so its start-up overlaps the in-process tests.
        ForkedTests.Handle fork = null;
        if (!forked.isEmpty()) {
            if (standby == null || !standby.isAlive()) {
                standby = ForkedTests.Standby.start(classPath);
            }
            fork = standby.run(out, mainFiles, forked);
            standby = null;
        }
        Collector collector = new Collector(mainFiles);
        runInProcess(ex, inProcess, mainFiles, out, collector);
        if (fork != null) {
            fork.awaitInto(collector);
            // Warm up the JVM for the next check now, while the learner reads and edits.
            standby = ForkedTests.Standby.start(classPath);
        }
        return new Verdict.Tested(ex.name(), collector.tests, collector.skipped, collector.failures,
                compileNanos, System.nanoTime() - start);
    }

    /**
     * Lincheck finds the classes it must instrument by name, through its own class loader, and
     * caches them by name: under {@link ExerciseClassLoader} it would instrument Maven's stale
     * build of the stub (or nothing) and the race tests would pass against code they never
     * checked. Test classes that use Lincheck therefore run in a fresh JVM whose class path starts
     * with this check's classes. The rest stays in this JVM, where it is fast.
     */
    private static boolean usesLincheck(String test, Map<String, String> testSources) {
        String outer = simpleName(classOf(test));
        if (outer.contains("$")) {
            outer = outer.substring(0, outer.indexOf('$')); // a nested class lives in its outer class's file
        }
        String source = testSources.get(outer + ".java");
        return source != null && (source.contains("org.jetbrains.lincheck") || source.contains("lockfree.exercises.support.Races"));
    }

    private void runInProcess(Exercise ex, List<String> tests, Set<String> mainFiles, Path out, Collector collector) {
        if (tests.isEmpty()) {
            return;
        }
        try (ExerciseClassLoader loader = new ExerciseClassLoader(out, ex.packageName(), Checker.class.getClassLoader())) {
            List<DiscoverySelector> selectors = new ArrayList<>();
            for (String test : tests) {
                try {
                    Class<?> cls = loader.loadClass(classOf(test));
                    selectors.add(test.contains("#") ? DiscoverySelectors.selectMethod(cls, test.substring(test.indexOf('#') + 1))
                            : DiscoverySelectors.selectClass(cls));
                } catch (ClassNotFoundException | LinkageError e) {
                    collector.failures.add(new Verdict.Failure(simpleName(test), null,
                            "cannot load test class " + test + ": " + e, "", stackTrace(e)));
                    return;
                }
            }
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors)
                    .build();
            // The tests run on a thread of their own, watched: a deadlock or an endless loop in the
            // learner's code becomes a verdict that names it (Watch), not a frozen terminal.
            Set<Long> before = Stalls.sample().threadIds();
            Launcher running = launcher;
            Predicate<StackTraceElement> learners = Watch.learnerCode(ex.packageName(), mainFiles);
            Optional<Watch.Stuck> stuck = Watch.run("workshop-tests", () -> {
                Thread.currentThread().setContextClassLoader(loader);
                running.execute(request, collector);
            }, learners, before, collector::stuck);
            if (stuck.isPresent()) {
                // That launcher's thread is left behind, still inside a test; the next check
                // gets a launcher of its own.
                launcher = LauncherFactory.create();
                Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> !before.contains(t.getId()) && t.getState() == Thread.State.RUNNABLE
                                && Arrays.stream(t.getStackTrace()).anyMatch(learners))
                        .forEach(Checker::stopIfPossible);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            collector.failures.add(new Verdict.Failure(simpleName(tests.get(0)), null, "interrupted", "", ""));
        }
    }

    /**
     * A loop that never ends keeps a core busy for as long as the runner lives. Thread.stop ends it
     * on the JDKs that still allow it (up to 19); later JDKs refuse, and the loop runs on until the
     * runner exits.
     */
    private static void stopIfPossible(Thread t) {
        try {
            Thread.class.getMethod("stop").invoke(t);
        } catch (ReflectiveOperationException | RuntimeException refused) {
            // JDK 20+: not possible; the thread is a daemon and ends with the runner
        }
    }

    /** Turns JUnit's events into {@link Verdict.Failure}s. */
    static final class Collector implements TestExecutionListener {
        private final Set<String> mainFiles;
        final List<Verdict.Failure> failures = new ArrayList<>();
        int tests;
        int skipped;
        /* The test running now, to name when the tests hang. */
        private volatile TestIdentifier running;
        /* Set once a hang was reported: the abandoned tests' later events are not this check's. */
        private volatile boolean closed;

        Collector(Set<String> mainFiles) {
            this.mainFiles = mainFiles;
        }

        /** The tests stopped making progress: the test running now fails with what the watch saw. */
        synchronized void stuck(Watch.Stuck stuck) {
            closed = true;
            TestIdentifier id = running;
            tests++;
            failures.add(new Verdict.Failure(id == null ? "tests" : testClassOf(id), id == null ? "(starting)" : testName(id),
                    "the test stopped making progress, so the runner stopped it: " + stuck.verdict(),
                    "", "the threads in your code:\n" + stuck.stacks()));
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.isTest()) {
                running = id;
            }
        }

        @Override
        public synchronized void executionSkipped(TestIdentifier id, String reason) {
            if (closed) {
                return;
            }
            if (id.isTest()) {
                skipped++;
            }
        }

        @Override
        public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (closed) {
                return;
            }
            if (id.isTest()) {
                if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    skipped++;
                    return;
                }
                tests++;
            }
            if (result.getStatus() != TestExecutionResult.Status.FAILED) {
                return;
            }
            Throwable t = result.getThrowable().orElse(null);
            failures.add(new Verdict.Failure(testClassOf(id), id.isTest() ? testName(id) : null,
                    message(t), location(t, mainFiles), t == null ? "" : stackTrace(t)));
        }

        private static String testClassOf(TestIdentifier id) {
            Optional<TestSource> source = id.getSource();
            if (source.isPresent() && source.get() instanceof MethodSource m) {
                return simpleName(m.getClassName());
            }
            if (source.isPresent() && source.get() instanceof ClassSource c) {
                return simpleName(c.getClassName());
            }
            return id.getDisplayName();
        }

        private static String testName(TestIdentifier id) {
            String name = Report.words(id.getDisplayName());
            // A parameterized or dynamic test's own name ("[1] capacity 1") says little alone.
            Optional<TestSource> source = id.getSource();
            if (source.isPresent() && source.get() instanceof MethodSource m && !id.getDisplayName().startsWith(m.getMethodName())) {
                return Report.words(m.getMethodName() + "()") + ", " + name;
            }
            return name;
        }
    }

    /** What a failure caused by a stub's {@code TODO} says: the method, in one line. */
    static final String NOT_IMPLEMENTED = "not implemented yet: ";

    static String message(Throwable t) {
        if (t == null) {
            return "failed without an exception";
        }
        // A stub's TODO: the method it is in says all there is to say (the file says the rest).
        for (Throwable cur = t; cur != null; cur = cur.getCause()) {
            if (cur instanceof UnsupportedOperationException && cur.getMessage() != null
                    && cur.getMessage().startsWith("TODO") && cur.getStackTrace().length > 0) {
                StackTraceElement top = cur.getStackTrace()[0];
                return NOT_IMPLEMENTED + simpleName(top.getClassName()) + "." + top.getMethodName();
            }
        }
        String text = t.getMessage();
        boolean assertion = t instanceof AssertionError;
        if (assertion && text != null && !text.isBlank()) {
            return text.strip();
        }
        String name = t.getClass().getSimpleName();
        return text == null || text.isBlank() ? name : name + ": " + text.strip();
    }

    /**
     * The most useful line of the stack: the first frame in the learner's files, else the first in
     * the exercise's tests, else nothing. (Lincheck reports the failing interleaving in its message
     * instead, and its own frames would only distract.)
     */
    static String location(Throwable t, Set<String> mainFiles) {
        for (Throwable cur = t; cur != null; cur = cur.getCause()) {
            for (StackTraceElement e : cur.getStackTrace()) {
                if (e.getFileName() != null && mainFiles.contains(e.getFileName()) && e.getClassName().startsWith("lockfree.exercises.ex")) {
                    return e.getFileName() + ":" + e.getLineNumber();
                }
            }
        }
        for (Throwable cur = t; cur != null; cur = cur.getCause()) {
            for (StackTraceElement e : cur.getStackTrace()) {
                if (e.getClassName().startsWith("lockfree.exercises.ex") && e.getFileName() != null) {
                    return e.getFileName() + ":" + e.getLineNumber();
                }
            }
        }
        return "";
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** {@code pkg.Test#method} -> {@code pkg.Test}; a plain class name stays as it is. */
    static String classOf(String test) {
        int hash = test.indexOf('#');
        return hash < 0 ? test : test.substring(0, hash);
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }

    @Override
    public void close() throws IOException {
        if (standby != null) {
            standby.close();
        }
        files.close();
    }

    /** Source text held in memory, named after its package path so javac's messages name the file. */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String path, String text) {
            super(URI.create("string:///" + path), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    /**
     * Loads the exercise's package from the fresh compile, never from the parent: the parent's class
     * path holds Maven's build of the stub, and asking it first would test stale code. Everything
     * else (JUnit, common, the test kit, Lincheck) comes from the parent as usual.
     */
    static final class ExerciseClassLoader extends URLClassLoader {
        private final String prefix;

        ExerciseClassLoader(Path classes, String packageName, ClassLoader parent) {
            super(new URL[] {toUrl(classes)}, parent);
            this.prefix = packageName + ".";
        }

        private static URL toUrl(Path p) {
            try {
                return p.toUri().toURL();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(prefix)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
