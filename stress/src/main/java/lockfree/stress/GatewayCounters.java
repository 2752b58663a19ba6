package lockfree.stress;

import java.io.IOException;
import java.util.List;

/**
 * The gateways' own account of messages they refused, summed over a run's gateway JVMs, from
 * their {@code /metrics}. Without a router it is a cross-check of what the clients were told; with
 * the Redis router it is the only complete account, because a message a client handed to one
 * gateway can be refused by another, which answers nobody.
 *
 * @param pushesDropped {@code gateway_pushes_dropped_total}: a recipient's send queue was full
 * @param routerDropped {@code gateway_router_dropped_total}, every reason: the router could not pass
 *                      a message on (Redis down, publish queue or inbox full, recipient left). A
 *                      broadcast dropped at a node's inbox counts once, not once per user.
 * @param unheard       {@code gateway_router_unheard_total}: published for a user nobody holds
 */
record GatewayCounters(long pushesDropped, long routerDropped, long unheard) {
    /** Some gateway's {@code /metrics} could not be read. */
    static final GatewayCounters UNKNOWN = new GatewayCounters(-1, -1, -1);

    boolean known() {
        return pushesDropped >= 0;
    }

    /** Every refusal the gateways counted. */
    long dropped() {
        return known() ? pushesDropped + routerDropped : -1;
    }

    /** One scrape of every gateway; {@link #UNKNOWN} if one of them does not answer. */
    static GatewayCounters read(List<GatewayProcess> gateways, boolean router) throws InterruptedException {
        long pushes = 0;
        long dropped = 0;
        long unheard = 0;
        for (GatewayProcess g : gateways) {
            String exposition;
            try {
                exposition = g.metrics();
            } catch (IOException e) {
                return UNKNOWN;
            }
            pushes += (long) GatewayProcess.metricSum(exposition, "gateway_pushes_dropped_total");
            if (router) {
                dropped += (long) GatewayProcess.metricSum(exposition, "gateway_router_dropped_total");
                unheard += (long) GatewayProcess.metricSum(exposition, "gateway_router_unheard_total");
            }
        }
        return new GatewayCounters(pushes, dropped, unheard);
    }

    /** What moved between two scrapes. */
    static GatewayCounters delta(GatewayCounters before, GatewayCounters after) {
        if (!before.known() || !after.known()) {
            return UNKNOWN;
        }
        return new GatewayCounters(after.pushesDropped - before.pushesDropped,
                after.routerDropped - before.routerDropped, after.unheard - before.unheard);
    }
}
