package lockfree.exercises.runner;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

import lockfree.common.testkit.Patience;
import lockfree.common.testkit.Stalls;

/**
 * Runs test classes in a fresh JVM and reads back their results: the way {@link Checker} runs the
 * Lincheck tests (see {@code Checker.usesLincheck} for why they cannot share the runner's JVM).
 * {@link #main} is the child's side: it runs the classes with the JUnit launcher and writes the
 * results as JSON to a file, away from whatever the tests print. To keep the JVM's start-up and
 * Lincheck's agent attach off the learner's wait, the next JVM is started ({@link Standby}) as soon
 * as the previous one has been used.
 */
final class ForkedTests {
    /**
     * The last resort only: the child watches its own tests ({@link Watch}) and reports a hang
     * itself within seconds. This catches a child that cannot (its JVM wedged, say); generous,
     * and scaled by {@link Patience}.
     */
    private static final Duration LAST_RESORT = Patience.of(Duration.ofMinutes(10));
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the child prints once warmed up. */
    private static final String READY = "workshop-fork-ready";

    /** What the child writes. */
    record Results(int tests, int skipped, List<Verdict.Failure> failures) {
    }

    private ForkedTests() {
    }

    /** A running child JVM. */
    static final class Handle {
        private final Process process;
        private final Path results;
        private final Path log;
        private final List<String> tests;

        private Handle(Process process, Path results, Path log, List<String> tests) {
            this.process = process;
            this.results = results;
            this.log = log;
            this.tests = tests;
        }

        /** Waits for the child and adds what it found to {@code collector}. */
        void awaitInto(Checker.Collector collector) {
            try {
                if (!process.waitFor(LAST_RESORT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    fail(collector, "the test JVM gave no verdict within " + LAST_RESORT.toMinutes()
                            + " min (-Dlockfree.patience multiplies it):\n" + tail(log));
                    return;
                }
                if (!Files.exists(results) || Files.size(results) == 0) {
                    // e.g. the JVM could not start, or Lincheck could not attach
                    fail(collector, "the test JVM exited with " + process.exitValue() + " and no results:\n" + tail(log));
                    return;
                }
                Results r = JSON.readValue(results.toFile(), new TypeReference<Results>() { });
                collector.tests += r.tests();
                collector.skipped += r.skipped();
                collector.failures.addAll(r.failures());
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                fail(collector, "interrupted");
            } catch (IOException e) {
                fail(collector, "cannot read the test results: " + e);
            }
        }

        private void fail(Checker.Collector collector, String why) {
            for (String test : tests) {
                collector.failures.add(new Verdict.Failure(Checker.simpleName(test), null, why, "", ""));
            }
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException e) {
                return "";
            }
        }
    }

    /**
     * A JVM started ahead of need, with an empty directory first on its class path. It loads JUnit
     * and attaches Lincheck's agent while the learner is still typing, then waits for one command.
     * {@link #run} copies a check's classes into that directory and sends the command: the JVM's own
     * class loader finds them there the first time a test asks, so Lincheck sees exactly the code
     * under test. Each standby runs one check and exits; the checker starts the next one.
     */
    static final class Standby implements AutoCloseable {
        private final Path dir;
        private final Process process;

        private Standby(Path dir, Process process) {
            this.dir = dir;
            this.process = process;
        }

        static Standby start(String classPath) {
            try {
                Path dir = Files.createTempDirectory("workshop-fork-");
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.add("-XX:+IgnoreUnrecognizedVMOptions");
                cmd.add("-XX:+EnableDynamicAgentLoading"); // Lincheck attaches its agent; JDK 21+ would warn
                // Lincheck's agent appends to the boot class path, after which the JVM turns off class
                // data sharing for all but boot classes and says so on every start; off from the start,
                // it has nothing to say (the JVM starts while the learner edits, so its start-up is free).
                cmd.add("-Xshare:off");
                cmd.add("-Dlockfree.patience=" + Patience.FACTOR);
                cmd.add("-cp");
                cmd.add(dir + File.separator + File.pathSeparator + classPath);
                cmd.add(ForkedTests.class.getName());
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("forked.log").toFile()).start();
                return new Standby(dir, p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a JVM for the Lincheck tests", e);
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Waits until this JVM has warmed up (or died): what a learner's editing time gives it in
         * watch mode, and what a measurement of save-to-verdict must give it too.
         */
        void awaitReady() throws InterruptedException {
            Path log = dir.resolve("forked.log");
            while (process.isAlive()) {
                try {
                    if (Files.exists(log) && Files.readString(log).contains(READY)) {
                        return;
                    }
                } catch (IOException e) {
                    // not written yet
                }
                Thread.sleep(50);
            }
        }

        /** Hands this JVM the compiled classes in {@code classes} and the tests to run. */
        Handle run(Path classes, Set<String> mainFiles, List<String> tests) {
            Path results = dir.resolve("results.json");
            try (Stream<Path> all = Files.walk(classes)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    if (p.toString().endsWith(".class")) {
                        Path target = dir.resolve(classes.relativize(p).toString());
                        Files.createDirectories(target.getParent());
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                String command = results + "\t" + String.join(",", mainFiles) + "\t" + String.join(",", tests) + "\n";
                OutputStream in = process.getOutputStream();
                in.write(command.getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot hand the tests to the test JVM", e);
            }
            return new Handle(process, results, dir.resolve("forked.log"), tests);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /**
     * The child: warms up, then reads one line {@code <results file> TAB <learner file names,
     * comma-separated> TAB <test classes, comma-separated>}, runs the classes, writes the results
     * and exits. End of input (the runner went away) ends it too.
     */
    public static void main(String[] args) throws Exception {
        var launcher = LauncherFactory.create();
        // Attach Lincheck's agent now, while nobody waits; it takes seconds. The lambda is ours,
        // not an exercise class, so nothing of the exercise is loaded (or cached by name) yet.
        // Through reflection: Lincheck is on the test class path only.
        Runnable nothing = () -> { };
        Class.forName("org.jetbrains.lincheck.Lincheck").getMethod("runConcurrentTest", int.class, Runnable.class)
                .invoke(null, 1, nothing);
        System.out.println(READY);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) {
            System.exit(0);
        }
        String[] parts = line.split("\t", -1);
        Path results = Path.of(parts[0]);
        Set<String> mainFiles = new HashSet<>(Arrays.asList(parts[1].split(",")));
        List<String> tests = Arrays.asList(parts[2].split(","));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(tests.stream().map(t -> t.contains("#") ? DiscoverySelectors.selectMethod(t)
                        : DiscoverySelectors.selectClass(t)).toList())
                .build();
        Checker.Collector collector = new Checker.Collector(mainFiles);
        String packageName = Checker.classOf(tests.get(0)).substring(0, Checker.classOf(tests.get(0)).lastIndexOf('.'));
        // Watched like the runner's own tests: a hang is a verdict that says why, within seconds.
        Watch.run("workshop-tests", () -> launcher.execute(request, collector),
                Watch.learnerCode(packageName, mainFiles), Stalls.sample().blocked(), collector::stuck);
        JSON.writeValue(results.toFile(), new Results(collector.tests, collector.skipped, collector.failures));
        System.exit(0); // test threads a broken exercise left running must not keep this JVM alive
    }
}
