package lockfree.stress;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the coordinator reads from outside a gateway process. */
class GatewayReadingsTest {

    @Test
    void cpuTimeIsUtimePlusStimeCountedAfterTheCommandName() {
        // The command name may contain spaces and parentheses; fields are counted after the last ')'.
        String stat = "4242 (java (gw) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 30 0 123 0 0";
        assertEquals(3_000_000_000L, GatewayProcess.cpuNanos(stat), "(250 + 50) ticks of 10 ms");
    }

    @Test
    void liveHeapIsTheClassHistogramsTotal() {
        String out = """
                4242:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         12345         987654  [B (java.base@17)
                   2:           100           2400  java.lang.String (java.base@17)
                Total         12445         990054
                """;
        assertEquals(OptionalLong.of(990_054), GatewayProcess.liveHeapBytes(out));
        assertEquals(OptionalLong.empty(), GatewayProcess.liveHeapBytes("4242: no such process"));
    }

    @Test
    void anUnlabelledSampleIsFoundByItsExactName() {
        String metrics = """
                # HELP gateway_pushes_dropped_total Messages dropped
                # TYPE gateway_pushes_dropped_total counter
                gateway_pushes_dropped_total 17.0
                gateway_pushes_dropped_total_extra 99.0
                gateway_errors_total{code="bad_json"} 2.0
                """;
        assertEquals(17.0, GatewayProcess.metricSum(metrics, "gateway_pushes_dropped_total"),
                "the exact name, not the _extra series that starts with it");
        assertEquals(0.0, GatewayProcess.metricSum(metrics, "gateway_messages_out_total"), "absent: nothing counted");
    }

    @Test
    void aLabelledCounterIsSummedOverItsLabels() {
        String metrics = """
                # TYPE gateway_router_dropped_total counter
                gateway_router_dropped_total{reason="inbox_full"} 3.0
                gateway_router_dropped_total{reason="redis_down"} 4.0
                gateway_router_dropped_total_created{reason="redis_down"} 1.7E9
                gateway_router_unheard_total 2.0
                """;
        assertEquals(7.0, GatewayProcess.metricSum(metrics, "gateway_router_dropped_total"));
        assertEquals(2.0, GatewayProcess.metricSum(metrics, "gateway_router_unheard_total"));
        assertEquals(0.0, GatewayProcess.metricSum(metrics, "gateway_pushes_dropped_total"));
    }

    @Test
    void redisMemoryIsInfosUsedMemory() {
        String info = "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nused_memory_rss:3000000\r\n";
        assertEquals(1_048_576, RedisMemory.usedBytes(info));
        assertEquals(-1, RedisMemory.usedBytes("# Memory\r\n"));
    }
}
