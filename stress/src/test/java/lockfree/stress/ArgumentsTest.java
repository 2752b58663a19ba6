package lockfree.stress;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The knobs: stress.sh turns USERS, MSGS, ... into these flags. */
class ArgumentsTest {

    private static StressSettings parse(String... args) {
        CommandLine cli = StressMain.commandLine(new PrintStream(new ByteArrayOutputStream()), args);
        cli.parseArgs(args);
        return ((StressMain) cli.getCommand()).settings();
    }

    @Test
    void defaultsAreThePlansTenThousandUsersTimesTenMessagesOnAllStages() {
        StressSettings s = parse();
        assertEquals(10_000, s.users());
        assertEquals(10, s.msgs());
        assertEquals(Scenario.UNICAST, s.scenario());
        assertEquals(List.of(new Target.Stage(0), new Target.Stage(1), new Target.Stage(2), new Target.Stage(3), Target.LIMIT),
                s.targets(), "all: the four stages, then the limit");
        assertEquals(1, s.repeats());
        assertFalse(s.closedLoop());
        assertEquals(StressSettings.DEFAULT_UNICAST_RATE, s.effectiveRate());
        assertEquals(1, s.shards());
    }

    @Test
    void aFlagGivenAfterTheEnvironmentsOneWins() {
        // stress.sh puts "--users $USERS" first and the user's own flags after it.
        StressSettings s = parse("--users", "10000", "--scenario", "unicast", "--users", "300", "--scenario", "BROADCAST");
        assertEquals(300, s.users());
        assertEquals(Scenario.BROADCAST, s.scenario());
        assertEquals(StressSettings.DEFAULT_BROADCAST_RATE, s.effectiveRate());
    }

    @Test
    void stagesAreOneAListOrAllAndTheLimitIsATargetLikeThem() {
        assertEquals(List.of(new Target.Stage(2)), parse("--stage", "2").targets());
        assertEquals(List.of(new Target.Stage(0), new Target.Stage(3)), parse("--stage", "0,3").targets());
        assertEquals(List.of(new Target.Stage(0), Target.LIMIT), parse("--stage", "0, LIMIT").targets());
        assertEquals(5, parse("--stage", "ALL").targets().size());
        assertThrows(IllegalArgumentException.class, () -> parse("--stage", "4"));
        assertThrows(IllegalArgumentException.class, () -> parse("--stage", "one"));
    }

    @Test
    void theLimitHasNoRouterSoWithRedisAllMeansTheFourStagesAndAnExplicitLimitIsRefused() {
        assertFalse(parse("--redis", "auto").targets().contains(Target.LIMIT));
        assertEquals(4, parse("--redis", "auto").targets().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--redis", "auto", "--stage", "3,limit"));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void repeatCountsRunsOfEveryTarget() {
        assertEquals(5, parse("--repeat", "5").repeats());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--repeat", "0"));
        assertTrue(e.getMessage().contains("--repeat"), e.getMessage());
    }

    @Test
    void badValuesAreRefusedWithTheKnobsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--users", "0"));
        assertTrue(e.getMessage().contains("USERS"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("--scenario", "multicast"));
        assertThrows(IllegalArgumentException.class, () -> parse("--rate", "-1"));
        assertThrows(IllegalArgumentException.class, () -> parse("--duration", "soon"));
        assertThrows(IllegalArgumentException.class, () -> parse("--users", "1", "--scenario", "unicast"));
    }

    @Test
    void moreUsersThanOneProcessMayHoldAreSplitIntoGatewayAndClientPairs() {
        StressSettings s = parse("--users", "40001", "--per-process", "18000", "--scenario", "idle", "--port", "9000");
        assertEquals(3, s.shards());
        assertEquals(List.of(13_334, 13_334, 13_333), List.of(s.usersOf(0), s.usersOf(1), s.usersOf(2)));
        assertEquals(1, s.firstUidOf(0));
        assertEquals(13_335, s.firstUidOf(1));
        assertEquals(26_669, s.firstUidOf(2));
        WorkerSpec w = s.workerSpec(1, 2, true);
        assertEquals(9002, w.port());
        assertEquals(13_333, w.users());
    }

    @Test
    void unicastRateIsSharedByUsersWhileEachGatewayGetsEveryBroadcastPush() {
        StressSettings u = parse("--users", "30000", "--rate", "6000", "--per-process", "20000");
        assertEquals(3000, u.rateOf(0), 1e-9);
        StressSettings b = parse("--users", "30000", "--rate", "2", "--per-process", "20000", "--scenario", "broadcast");
        assertEquals(2, b.rateOf(1), 1e-9);
    }

    @Test
    void withRedisTheGatewaysAreOneClusterInWhichAnyUserReachesAnyOther() {
        StressSettings own = parse("--users", "40000", "--per-process", "18000", "--scenario", "broadcast");
        assertFalse(own.cluster());
        assertEquals(0, own.workerSpec(0, 1, true).uidSpace(), "on its own, a shard's users write to each other");
        assertTrue(own.workerSpec(0, 1, true).pusher(), "and every shard pushes to its own gateway");

        StressSettings joined = parse("--users", "40000", "--per-process", "18000", "--scenario", "broadcast", "--redis", "auto");
        assertTrue(joined.cluster());
        assertEquals(40_000, joined.workerSpec(0, 1, true).uidSpace(), "any of the 40,000 users");
        assertTrue(joined.workerSpec(0, 0, true).pusher());
        assertFalse(joined.workerSpec(0, 1, true).pusher(), "one push reaches every gateway: one pusher");
        assertTrue(parse("--users", "3", "--per-process", "2", "--redis", "redis://127.0.0.1:6379").cluster(),
                "a gateway with one user can still send to the others through the router");
        assertEquals(StressSettings.CLUSTER_REDIS, parse("--users", "4", "--per-process", "2", "--redis", "cluster").redis());
        assertTrue(parse("--users", "4", "--per-process", "2", "--redis", "redis-cluster://127.0.0.1:7000,127.0.0.1:7001").cluster());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--redis", "localhost"));
        assertTrue(e.getMessage().contains("REDIS"), e.getMessage());
    }

    @Test
    void gatewayFlagsOpenTheLimitsAndTheUserMayReplaceThem() {
        StressSettings s = parse("--users", "500", "--gateway-arg=--queue-capacity=4096", "--gateway-arg=--rate-limit=50");
        List<String> args = s.gatewayArgsOf(0);
        assertEquals("600", args.get(args.indexOf("--max-connections") + 1));
        assertEquals("50", args.get(args.indexOf("--rate-limit") + 1));
        assertEquals("4096", args.get(args.indexOf("--queue-capacity") + 1));
        assertEquals(1, args.stream().filter("--rate-limit"::equals).count(), "a gateway refuses a flag given twice");
        assertThrows(IllegalArgumentException.class, () -> parse("--gateway-arg=queue").gatewayArgsOf(0));
    }

    @Test
    void eachStageAndShardConnectsFromItsOwnLoopbackAddresses() throws Exception {
        List<InetAddress> a = StressSettings.sources(0, 0, true, 4);
        List<InetAddress> b = StressSettings.sources(1, 0, true, 4);
        assertEquals(4, a.size());
        assertEquals(InetAddress.getByName("127.1.1.1"), a.get(0));
        assertEquals(InetAddress.getByName("127.2.1.4"), b.get(3));
        assertTrue(a.stream().allMatch(InetAddress::isLoopbackAddress));
        assertEquals(List.of(InetAddress.getByName("127.0.0.1")), StressSettings.sources(2, 3, false, 4));
    }

    @Test
    void aWorkerSpecSurvivesTheTripThroughTheWorkersCommandLine() throws Exception {
        WorkerSpec spec = new WorkerSpec("127.0.0.1", 18081, 501, 250, 7, Scenario.BROADCAST, 2.5, true,
                List.of(InetAddress.getByName("127.3.1.1"), InetAddress.getByName("127.3.1.2")), 2, 64,
                Duration.ofSeconds(30), Duration.ofMillis(1500), 100_000, true);
        assertEquals(spec, WorkerSpec.parse(spec.toArgs()));
        assertThrows(IllegalArgumentException.class, () -> WorkerSpec.parse(List.of("--host", "127.0.0.1")));
    }

    @Test
    void durationsReadLikeTheGatewaysFlags() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    }

    @Test
    void theStageJarIsFoundUnderTheProjectRoot(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        Path jar = root.resolve("stage2-sharded/target/stage2-sharded-gateway.jar");
        java.nio.file.Files.createDirectories(jar.getParent());
        java.nio.file.Files.write(jar, new byte[0]);
        assertEquals(jar, Coordinator.stageJar(root, 2));
        java.io.IOException missing = assertThrows(java.io.IOException.class, () -> Coordinator.stageJar(root, 3));
        assertTrue(missing.getMessage().contains("mvnw"), "says how to build it: " + missing.getMessage());
    }

    /** A stage runs its gateway jar with the tool's gateway flags; the limit runs from the tool's own jar, without them. */
    @Test
    void eachTargetIsLaunchedInItsOwnJvmTheLimitFromTheToolsClassPath(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        Path jar = root.resolve("stage2-sharded/target/stage2-sharded-gateway.jar");
        java.nio.file.Files.createDirectories(jar.getParent());
        java.nio.file.Files.write(jar, new byte[0]);
        Coordinator c = new Coordinator(parse("--root", root.toString()), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(new Coordinator.Launch("stage2-sharded", List.of("-jar", jar.toString()), true),
                c.launch(new Target.Stage(2)));
        Coordinator.Launch limit = c.launch(Target.LIMIT);
        assertEquals("limit", limit.name());
        assertEquals(List.of("-cp", System.getProperty("java.class.path"), LimitServer.class.getName()), limit.program());
        assertFalse(limit.gatewayFlags(), "the limit has none of the limits the gateway flags open up");
    }

    @Test
    void moreConnectionsPerJvmThanTheOpenFilesLimitAllowsAreRefusedWithWhatToDo() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             95000                95000                processes
                Max open files            20000                20000                files
                """;
        assertEquals(java.util.OptionalLong.of(20_000), OpenFiles.hardLimit(limits));
        assertEquals(java.util.OptionalLong.empty(), OpenFiles.hardLimit("Max open files  unlimited  unlimited  files"));
        assertEquals(null, OpenFiles.check(18_000, java.util.OptionalLong.of(20_000)), "the default fits this machine");
        String advice = OpenFiles.check(50_000, java.util.OptionalLong.of(20_000));
        assertTrue(advice.contains("--per-process 19700") && advice.contains("ulimit"), advice);
        assertEquals(null, OpenFiles.check(1_000_000, java.util.OptionalLong.empty()), "unknown or unlimited: no check");
    }
}
