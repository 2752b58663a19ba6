package lockfree.stress;

/**
 * Where every message went: the stress test's success accounting.
 *
 * <p>{@code sent} counts intended deliveries: one per unicast {@code send}, one per recipient for a
 * broadcast push (pushes x users). Each of them ends up in exactly one bucket:
 * <ul>
 *   <li>{@code delivered}: the recipient's client read it;</li>
 *   <li>{@code dropped}: the gateway said it refused it, because the recipient's send queue was
 *       full (an ack with status {@code dropped}, or a push that reached fewer users than were
 *       logged in);</li>
 *   <li>{@code offline}: the gateway said the recipient was not logged in (an ack with status
 *       {@code offline}); with every user connected this should not happen;</li>
 *   <li>{@code lost}: everything else. Nobody admitted to it and it never arrived. A correct gateway
 *       keeps this at 0; it is the number the tool exists to check.</li>
 * </ul>
 * {@code extra} counts deliveries beyond what was sent (a duplicate would show here), so that
 * {@code lost} cannot hide one by going negative.
 *
 * @param sent      intended deliveries
 * @param delivered messages the receivers read
 * @param dropped   refused by the gateway on a full send queue
 * @param offline   refused by the gateway because the recipient was not logged in
 * @param requests  frames or pushes that asked the gateway for an answer (acks, push responses)
 * @param answers   answers received for them
 */
public record Counts(long sent, long delivered, long dropped, long offline, long requests, long answers) {

    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);

    /** Sent, never delivered, and not reported as dropped or offline. */
    public long lost() {
        return Math.max(0, sent - delivered - dropped - offline);
    }

    /** Delivered beyond what was sent and not refused: duplicates. */
    public long extra() {
        return Math.max(0, delivered + dropped + offline - sent);
    }

    /** True once every request has its answer and every message is accounted for. */
    public boolean settled() {
        return answers >= requests && delivered + dropped + offline >= sent;
    }

    /** Delivered as a share of sent, in percent; 100 when nothing was sent. */
    public double successPercent() {
        return sent == 0 ? 100.0 : 100.0 * delivered / sent;
    }

    /**
     * With gateways joined by a router, the clients hear of only some refusals (those of the
     * gateway they sent to), so the gateways' own counters take the place of theirs: refused
     * messages are dropped, messages published for a user nobody held are offline.
     */
    Counts accountedBy(GatewayCounters gateways) {
        if (!gateways.known()) {
            return this;
        }
        return new Counts(sent, delivered, gateways.dropped(), offline + gateways.unheard(), requests, answers);
    }

    public Counts plus(Counts o) {
        return new Counts(sent + o.sent, delivered + o.delivered, dropped + o.dropped, offline + o.offline,
                requests + o.requests, answers + o.answers);
    }
}
