package lockfree.stress;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each Redis master's memory and CPU, from its INFO, and the rows the table shows for them. */
class ShardUsageTest {

    private static String info(String role, long used, long rss, String sys, String user) {
        return "# Server\r\nredis_version:7.0.15\r\n\r\n# Memory\r\nused_memory:" + used + "\r\nused_memory_human:1M\r\n"
                + "used_memory_rss:" + rss + "\r\n\r\n# Replication\r\nrole:" + role + "\r\nconnected_slaves:1\r\n\r\n"
                + "# CPU\r\nused_cpu_sys:" + sys + "\r\nused_cpu_user:" + user + "\r\nused_cpu_sys_children:9.000000\r\n";
    }

    @Test
    void aMastersSampleIsItsMemoryAndItsSystemPlusUserCpu() {
        ShardUsage.Sample s = ShardUsage.parse("127.0.0.1:7000", info("master", 2_000_000, 5_000_000, "1.250000", "0.500000"));
        assertEquals(new ShardUsage.Sample("127.0.0.1:7000", 2_000_000, 5_000_000, 1.75), s);
        assertNull(ShardUsage.parse("127.0.0.1:7003", info("slave", 1, 1, "1", "1")), "a replica is no shard of its own");
    }

    @Test
    void cpuIsTheGrowthOverThePhaseAndMemoryTheEndsValue() {
        List<ShardUsage.Sample> before = List.of(new ShardUsage.Sample("a", 100, 1000, 1.0),
                new ShardUsage.Sample("b", 100, 1000, 2.0));
        List<ShardUsage.Sample> after = List.of(new ShardUsage.Sample("a", 300, 1500, 3.5),
                new ShardUsage.Sample("c", 50, 900, 4.0)); // c was promoted during the phase
        assertEquals(List.of(new ShardUsage("a", 300, 1500, 2.5), new ShardUsage("c", 50, 900, -1)),
                ShardUsage.between(before, after));
        assertEquals(350, ShardUsage.usedMemory(after));
        assertEquals(-1, ShardUsage.usedMemory(List.of()), "nobody answered");
    }

    @Test
    void theTableShowsEveryMasterOnlyWhenARunHasThem() {
        Histogram h = new Histogram(3);
        WorkerResult r = new WorkerResult(2, 0, null, 1.0, Latency.encode(h), new Counts(2, 2, 0, 0, 2, 2), 0,
                1.0, 2.0, false, Latency.encode(h));
        StageResult plain = Coordinator.merge("stage3-lockfree", "0 0 0", true, List.of(r), 1,
                new GatewayCounters(0, 0, 0), 0, 0, 200);
        assertFalse(Report.table("t", List.of(List.of(plain))).contains("Redis CPU"), "no rows without readings");

        StageResult cluster = plain.withRedisShards(List.of(new ShardUsage("a", 3 * 1048576, 6 * 1048576, 1.5),
                new ShardUsage("b", 1048576, 2 * 1048576, -1)));
        String table = Report.table("t", List.of(List.of(cluster)));
        assertTrue(table.contains("3.000 / 6.000, 1.000 / 2.000"), table);
        assertTrue(table.contains("1.500, n/a"), table);
    }
}
