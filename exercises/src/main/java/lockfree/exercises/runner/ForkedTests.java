package lockfree.exercises.runner;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs test classes in a fresh JVM and reads back their results: the way {@link Checker} runs the
 * Lincheck tests (see {@code Checker.usesLincheck} for why they cannot share the runner's JVM).
 * {@link #main} is the child's side: it runs the classes with the JUnit launcher and writes the
 * results as JSON to a file, away from whatever the tests print.
 */
final class ForkedTests {
    /** A forked run that takes longer than this is killed and reported as a failure. */
    private static final long TIMEOUT_SECONDS = 180;
    private static final ObjectMapper JSON = new ObjectMapper();

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
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail(collector, "the tests did not finish within " + TIMEOUT_SECONDS + " s (an endless loop?)");
                    return;
                }
                if (!Files.exists(results) || Files.size(results) == 0) {
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

    /** Starts a JVM running {@code tests} with {@code classes} (this check's compile) first on the class path. */
    static Handle start(Path classes, String classPath, Set<String> mainFiles, List<String> tests) {
        Path results = classes.resolve("results.json");
        Path log = classes.resolve("forked.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+IgnoreUnrecognizedVMOptions");
        cmd.add("-XX:+EnableDynamicAgentLoading"); // Lincheck attaches its agent; JDK 21+ would warn
        cmd.add("-cp");
        cmd.add(classes + File.pathSeparator + classPath);
        cmd.add(ForkedTests.class.getName());
        cmd.add(results.toString());
        cmd.add(String.join(",", mainFiles));
        cmd.addAll(tests);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Handle(p, results, log, tests);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd.get(0), e);
        }
    }

    /** The child: {@code <results file> <learner file names, comma-separated> <test class>...}. */
    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        Set<String> mainFiles = new HashSet<>(Arrays.asList(args[1].split(",")));
        List<String> tests = List.of(args).subList(2, args.length);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(tests.stream().map(DiscoverySelectors::selectClass).toList())
                .build();
        Checker.Collector collector = new Checker.Collector(mainFiles);
        LauncherFactory.create().execute(request, collector);
        JSON.writeValue(results.toFile(), new Results(collector.tests, collector.skipped, collector.failures));
        System.exit(0); // test threads a broken exercise left running must not keep this JVM alive
    }
}
