package lockfree.docs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a documented command the build runs ({@link RunHere}) from the repository root: bash, stdin
 * closed, a deadline. It must exit 0; a compare command ({@code diff ...}, {@code ./diff-stages.sh
 * ...}) may exit 1 ("they differ") but must print at least one changed line; a serving command must
 * say where it listens and answer there, and is stopped with its whole process tree.
 */
final class CommandRunner {
    private CommandRunner() {
    }

    /** A documented command the build runs: the doc's text, what runs (the same unless the doc has
     *  placeholders or needs an environment variable), extra environment, and for a server, the
     *  path that must answer 200 (null: a command that ends by itself). */
    record RunHere(String command, String shell, Map<String, String> env, String serves) {
        static RunHere of(String command) {
            return new RunHere(DocCommands.normalize(command), command, Map.of(), null);
        }

        RunHere as(String shell) {
            return new RunHere(command, shell, env, serves);
        }

        RunHere env(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(env);
            more.put(name, value);
            return new RunHere(command, shell, Map.copyOf(more), serves);
        }

        /**
         * A command that starts a server and serves until stopped: it passes when, within the
         * deadline, it prints {@code listening  http://HOST:PORT} and {@code GET http://HOST:PORT<path>}
         * answers 200; then it is stopped, its whole process tree.
         */
        RunHere serving(String path) {
            return new RunHere(command, shell, env, path);
        }
    }

    /** A command whose output is a comparison: it must show at least one changed line. */
    static boolean isCompare(String key) {
        String first = key.split(" ", 2)[0];
        return first.equals("diff") || first.endsWith("diff-stages.sh");
    }

    private static final Pattern CHANGED_LINE = Pattern.compile(
            "(?m)^(?:[<>] |[-+](?![-+]{2} )|.*\\s[|<>](?:\\s|$))");

    /** Whether a diff's output shows a difference: a changed line in normal, unified or side-by-side form. */
    static boolean showsADifference(String output) {
        return output.lines().anyMatch(l -> !l.startsWith("Only in ") && CHANGED_LINE.matcher(l).lookingAt());
    }

    /** How a problem of a command that was run (not of its classification) begins. */
    static final String RAN = "ran it here and it ";

    /** What a server prints once it listens: the base URL its health path is asked at. */
    static final Pattern LISTENING = Pattern.compile("listening\\s+(http://[^\\s/]+)");

    /**
     * Starts a serving command, waits for it to print where it listens, asks that address for the
     * entry's path, and stops it: SIGTERM to the whole tree (bash, the build, the server), then a
     * kill for whatever is still alive after a grace period. Null when the path answered 200.
     */
    static String serve(RunHere r, Path root, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Process p = null;
        StringBuffer output = new StringBuffer();
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", r.shell()).directory(root.toFile())
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(r.env());
            p = pb.start();
            // The output is read on its own thread: it must be drained for as long as the server
            // writes (a full pipe would block it), and the line that says where it listens
            // completes the future the test waits on.
            java.util.concurrent.CompletableFuture<String> listening = new java.util.concurrent.CompletableFuture<>();
            Process proc = p;
            Thread reader = new Thread(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        output.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            listening.complete(m.group(1));
                        }
                    }
                } catch (IOException e) {
                    listening.completeExceptionally(e);
                }
                listening.complete(null); // the output ended without the line
            }, "doc-command-output");
            reader.setDaemon(true);
            reader.start();
            String base;
            try {
                base = listening.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return "printed no 'listening http://...' line within " + timeout.toSeconds() + " s\n" + output;
            } catch (java.util.concurrent.ExecutionException e) {
                return "its output could not be read: " + e.getCause();
            }
            if (base == null) {
                p.waitFor(5, TimeUnit.SECONDS);
                return "ended " + (p.isAlive() ? "its output" : "with exit " + p.exitValue())
                        + " without printing where it listens\n" + output;
            }
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5)).build();
            java.net.http.HttpResponse<String> answer;
            try {
                answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + r.serves()))
                        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return "said it listens on " + base + ", but GET " + r.serves() + " failed: " + e + "\n" + output;
            }
            if (answer.statusCode() != 200) {
                return "GET " + base + r.serves() + " answered " + answer.statusCode() + ": " + answer.body() + "\n" + output;
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (p != null) {
                stopTree(p);
            }
        }
    }

    /** SIGTERM to a process and all its descendants (a server flushes and exits), SIGKILL to what is left after 10 s. */
    static void stopTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(0, graceEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                h.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                h.destroyForcibly();
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Runs one command; null when it did what it should, otherwise what went wrong (with its output). */
    static String run(RunHere r, Path root, Duration timeout) {
        if (r.serves() != null) {
            return serve(r, root, timeout);
        }
        try {
            File out = Files.createTempFile("doc-command", ".txt").toFile();
            try {
                ProcessBuilder pb = new ProcessBuilder("bash", "-c", r.shell()).directory(root.toFile())
                        .redirectErrorStream(true).redirectOutput(out)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                pb.environment().putAll(r.env());
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                    return "did not end within " + timeout.toSeconds() + " s (too slow to run here?)";
                }
                String output = Files.readString(out.toPath(), StandardCharsets.UTF_8);
                int exit = p.exitValue();
                if (isCompare(r.command())) {
                    if (exit != 0 && exit != 1) {
                        return "failed with exit " + exit + "\n" + output;
                    }
                    if (!showsADifference(output)) {
                        return "compares nothing (no changed line in its output)\n" + output;
                    }
                    return null;
                }
                return exit == 0 ? null : "failed with exit " + exit + "\n" + output;
            } finally {
                Files.deleteIfExists(out.toPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
