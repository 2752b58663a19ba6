package lockfree.common.routing;

import lockfree.common.metrics.GatewayMetrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;

/**
 * The Redis router's counters, registered once and shared by its publisher, inbox and connector.
 * Every message the router does not pass on lands in one {@code dropped*} reason.
 */
record RouterMetrics(Counter published, Counter unheard, Counter received, Counter connects, Histogram batchSizes,
                     CounterDataPoint droppedDown, CounterDataPoint droppedQueueFull, CounterDataPoint droppedFailed,
                     CounterDataPoint droppedInboxFull, CounterDataPoint droppedLeft,
                     CounterDataPoint droppedMalformed) {

    static RouterMetrics register(GatewayMetrics m) {
        Counter published = m.counter("gateway_router_published_total", "Messages Redis accepted from this node (msgs and claims)");
        Counter unheard = m.counter("gateway_router_unheard_total", "Publishes no node was subscribed to (the user was not logged in anywhere)");
        Counter received = m.counter("gateway_router_received_total", "Messages received from Redis");
        Counter connects = m.counter("gateway_router_connects_total", "Successful connections to Redis (the first and every reconnection)");
        Histogram batchSizes = m.histogram("gateway_router_publish_batch_size", "Publishes written to Redis per flush",
                1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024);
        Counter dropped = m.counter("gateway_router_dropped_total", "Messages the router could not pass on, by reason", "reason");
        return new RouterMetrics(published, unheard, received, connects, batchSizes,
                dropped.labelValues("redis_down"), dropped.labelValues("queue_full"),
                dropped.labelValues("publish_failed"), dropped.labelValues("inbox_full"),
                dropped.labelValues("user_left"), dropped.labelValues("malformed"));
    }
}
