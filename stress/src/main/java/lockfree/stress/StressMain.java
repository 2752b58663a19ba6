package lockfree.stress;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The stress tool's command line: {@code ./stress.sh} runs it with the plan's knobs
 * ({@code USERS=10000 MSGS=10}). Without a subcommand it coordinates a run; {@code worker} is the
 * client JVM the coordinator starts (not meant to be run by hand).
 */
@Command(name = "stress.sh", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Puts USERS WebSocket users on each stage's gateway (each in its own JVM, identical flags),",
                "runs a scenario among them, and prints latency percentiles and where every message went."},
        footer = {"", "Environment (read by stress.sh): USERS MSGS SCENARIO STAGE RATE DURATION CLOSED_LOOP REDIS JSON REPEAT.",
                "Example: USERS=10000 MSGS=10 STAGE=all ./stress.sh --json docs/stress/unicast.json"})
public final class StressMain implements Callable<Integer> {

    @Option(names = "--users", defaultValue = "10000", description = "Users (WebSocket connections). Default: ${DEFAULT-VALUE}")
    int users;

    @Option(names = "--msgs", defaultValue = "10", description = "Messages per user (unicast) or pushes (broadcast). Default: ${DEFAULT-VALUE}")
    int msgs;

    @Option(names = "--scenario", defaultValue = "unicast", description = "unicast, broadcast or idle. Default: ${DEFAULT-VALUE}")
    String scenario;

    @Option(names = "--stage", defaultValue = "all",
            description = {"0..3, limit, ws, vertx, a list like 0,3,limit,ws,vertx, or all (the four stages and the limit;",
                    "the peers ws and vertx only by name, see docs/STRESS.md). Default: ${DEFAULT-VALUE}"})
    String stage;

    @Option(names = "--repeat", defaultValue = "1",
            description = "Run the targets this many times, interleaved (0,1,2,3,limit,0,1,...); the report shows each figure's median and range. Default: ${DEFAULT-VALUE}")
    int repeat;

    @Option(names = "--rate", defaultValue = "0", description = {"Open loop: target sends per second over all users",
            "(unicast: messages, default " + (int) StressSettings.DEFAULT_UNICAST_RATE
                    + "; broadcast: pushes, default " + (int) StressSettings.DEFAULT_BROADCAST_RATE + ")."})
    double rate;

    @Option(names = "--closed-loop", description = "Each user sends its next message when the previous one is acked (hides queueing delay; see docs/STRESS.md).")
    boolean closedLoop;

    @Option(names = "--duration", defaultValue = "120s", description = "Longest send phase; sending stops there. Default: ${DEFAULT-VALUE}")
    String duration;

    @Option(names = "--settle", defaultValue = "60s", description = "Longest wait after the last send for answers and deliveries. Default: ${DEFAULT-VALUE}")
    String settle;

    @Option(names = "--connect-timeout", defaultValue = "180s", description = "Longest connect phase. Default: ${DEFAULT-VALUE}")
    String connectTimeout;

    @Option(names = "--per-process", defaultValue = "18000",
            description = "Most connections one JVM holds; more users add gateway+client JVM pairs. Default: ${DEFAULT-VALUE}")
    int perProcess;

    @Option(names = "--port", defaultValue = "18080", description = "First gateway port (shard k uses port+k). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--json", description = "Write the results to this file.")
    Path json;

    @Option(names = "--markdown", description = "Also write the table as Markdown to this file "
            + "(docs/STRESS.md renders its tables from --json files: ./stress.sh render).")
    Path markdown;

    @Option(names = "--profile", description = {"Profile each target's measured send phase with async-profiler (CPU, collapsed",
            "stacks under target/stress/profile) and write its CPU by category to DIR/<scenario>-<target>.json",
            "(docs/STRESS.md, \"Where the time goes\"), one entry per --repeat. Profiling costs CPU: measure in",
            "another run."})
    Path profile;

    @Option(names = "--root", defaultValue = ".", description = "Project root (where the stageN-*/target jars are). Default: ${DEFAULT-VALUE}")
    Path root;

    @Option(names = "--gateway-arg", description = "Extra gateway flag as --flag=value, e.g. --gateway-arg=--queue-capacity=4096 (repeatable).")
    List<String> gatewayArgs = new ArrayList<>();

    @Option(names = "--gateway-jvm", description = "JVM option for the gateways, e.g. --gateway-jvm=-Xmx2g (repeatable).")
    List<String> gatewayJvm = new ArrayList<>();

    @Option(names = "--client-jvm", description = "JVM option for the client JVMs (repeatable).")
    List<String> clientJvm = new ArrayList<>();

    @Option(names = "--client-threads", defaultValue = "2", description = "Event-loop threads per client JVM. Default: ${DEFAULT-VALUE}")
    int clientThreads;

    @Option(names = "--connect-concurrency", defaultValue = "200", description = "Connections being set up at once per client JVM. Default: ${DEFAULT-VALUE}")
    int connectConcurrency;

    @Option(names = "--warmup", defaultValue = "2",
            description = "Messages per user (broadcast: pushes) sent first and not measured, so the JIT has compiled both sides. Default: ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--redis", description = {"Join the gateway JVMs with the Redis router: auto (start a redis-server",
            "on a free loopback port), cluster (start a local 3-master/3-replica Redis Cluster), redis://host:port",
            "or redis-cluster://host:port,... Without it, each gateway is on its own."})
    String redis;

    private final PrintStream out;
    private final String[] commandLine;

    StressMain(PrintStream out, String[] commandLine) {
        this.out = out;
        this.commandLine = commandLine;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    static int run(PrintStream out, String... args) {
        return commandLine(out, args).execute(args);
    }

    static CommandLine commandLine(PrintStream out, String... args) {
        // Overwritten options allowed: stress.sh turns the environment into flags first, so a flag
        // the user adds after them must win rather than be refused as given twice.
        return new CommandLine(new StressMain(out, args)).addSubcommand("worker", new WorkerCommand())
                .setOverwrittenOptionsAllowed(true);
    }

    /** The validated settings this command line describes. */
    StressSettings settings() {
        String router = redis == null || redis.isBlank() ? null : redis.trim();
        return new StressSettings(users, msgs, Scenario.parse(scenario), Target.parse(stage, router != null), rate,
                closedLoop, Durations.parse(duration), Durations.parse(settle), Durations.parse(connectTimeout),
                perProcess, port, json, root, gatewayArgs, gatewayJvm, clientJvm, clientThreads, connectConcurrency, warmup,
                router, repeat);
    }

    @Override
    public Integer call() throws Exception {
        StressSettings s;
        try {
            s = settings();
            for (Target t : s.targets()) {
                if (t instanceof Target.Stage st) {
                    Coordinator.stageJar(s.root(), st.number());
                } else if (t == Target.Peer.VERTX) {
                    Coordinator.vertxJar(s.root());
                } else if (t == Target.Peer.WS) {
                    Coordinator.nodeCommand(s.root());
                    if (profile != null) {
                        throw new IllegalArgumentException("--profile loads async-profiler into JVMs; the ws peer is node: leave it out");
                    }
                }
            }
            String tooFew = OpenFiles.check(s.perProcess(), OpenFiles.hardLimit());
            if (tooFew != null) {
                throw new IllegalArgumentException(tooFew);
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        String title = title(s);
        out.println(title);
        if (s.shards() > 1 && s.scenario() != Scenario.IDLE && !s.cluster()) {
            out.println("note: " + s.shards() + " gateways without a router between them: each user's messages go to "
                    + "users on its own gateway, and a broadcast reaches each gateway's own users");
        }
        List<List<StageResult>> repeats = new Coordinator(s, out).profiling(profile, String.join(" ", commandLine)).runAll();
        out.println();
        out.print(Report.table(title, repeats));
        if (s.json() != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("command", String.join(" ", commandLine));
            doc.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            doc.put("machine", machine());
            doc.put("settings", Map.of("users", s.users(), "msgs", s.msgs(), "scenario", s.scenario().wire(),
                    "rate", s.effectiveRate(), "closedLoop", s.closedLoop(), "gatewayJvmsPerStage", s.shards(),
                    "gatewayArgs", s.gatewayArgsOf(0), "router", s.cluster() ? "redis" : "none", "repeats", s.repeats()));
            // Every repeat raw; the report's medians and ranges are computed from these.
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int r = 0; r < repeats.size(); r++) {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("repeat", r + 1);
                run.put("stages", repeats.get(r));
                runs.add(run);
            }
            doc.put("repeats", runs);
            Files.createDirectories(s.json().toAbsolutePath().getParent());
            LoadClient.JSON.writerWithDefaultPrettyPrinter().writeValue(s.json().toFile(), doc);
            out.println("wrote " + s.json());
        }
        if (markdown != null) {
            Files.createDirectories(markdown.toAbsolutePath().getParent());
            Files.writeString(markdown, Report.markdown(repeats));
            out.println("wrote " + markdown);
        }
        long lost = repeats.stream().flatMap(List::stream).mapToLong(StageResult::lost).sum();
        return lost == 0 ? 0 : 1;
    }

    static String title(StressSettings s) {
        String load = switch (s.scenario()) {
            case UNICAST -> s.msgs() + " msgs each to random users, " + (s.closedLoop() ? "closed loop"
                    : String.format(Locale.ROOT, "open loop at %.0f msg/s", s.effectiveRate()));
            case BROADCAST -> s.msgs() + " pushes to all, " + (s.closedLoop() ? "closed loop"
                    : String.format(Locale.ROOT, "open loop at %.1f pushes/s", s.effectiveRate()));
            case IDLE -> "connections held";
        };
        String nodes = s.cluster() ? ", " + s.shards() + " gateway JVM(s) per stage joined by Redis" : "";
        String repeats = s.repeats() > 1 ? ", " + s.repeats() + " interleaved repeats" : "";
        return "stress " + s.scenario().wire() + ": " + s.users() + " users, " + load + nodes + repeats;
    }

    /**
     * A client JVM, driven one line at a time over stdin/stdout (see {@link Coordinator}):
     * {@code CONNECTED n} once, then the coordinator's words: {@code WARMUP msgs audience} and
     * {@code GO audience} send a round and answer {@code SENT}; {@code RESET} forgets the round
     * before; {@code COUNTS} answers {@code COUNTS json}; {@code RESULT} answers {@code RESULT json};
     * {@code CLOSE} or EOF ends it.
     */
    @Command(name = "worker", hidden = true)
    static final class WorkerCommand implements Callable<Integer> {
        /* The coordinator's own encoding of a WorkerSpec; parsed by WorkerSpec.parse, not picocli. */
        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            WorkerSpec spec = WorkerSpec.parse(args);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            PrintStream out = System.out;
            try (LoadWorker worker = new LoadWorker(spec)) {
                out.println("CONNECTED " + worker.connect());
                out.flush();
                String line;
                while ((line = in.readLine()) != null) {
                    String[] w = line.trim().split(" ");
                    switch (w[0]) {
                        case "WARMUP" -> {
                            worker.round(Integer.parseInt(w[1]), Long.parseLong(w[2]));
                            out.println("SENT warm-up");
                        }
                        case "RESET" -> {
                            worker.reset();
                            out.println("RESET done");
                        }
                        case "GO" -> {
                            worker.round(spec.msgs(), Long.parseLong(w[1]));
                            out.println("SENT measured");
                        }
                        case "COUNTS" -> out.println("COUNTS " + LoadClient.JSON.writeValueAsString(worker.counts()));
                        case "RESULT" -> out.println("RESULT " + LoadClient.JSON.writeValueAsString(worker.result()));
                        case "CLOSE" -> {
                            return 0;
                        }
                        default -> throw new IllegalArgumentException("unknown word from the coordinator: " + line);
                    }
                    out.flush();
                }
            }
            return 0; // EOF: the coordinator went away
        }
    }

    /** What every raw result records about the machine it was measured on (the JDK is this JVM's). */
    static Map<String, Object> machine() {
        return Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "jdk", System.getProperty("java.vm.name") + ' ' + System.getProperty("java.runtime.version"),
                "os", System.getProperty("os.name") + ' ' + System.getProperty("os.version"));
    }
}
