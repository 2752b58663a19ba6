package lockfree.bench.limit;

import lockfree.common.contract.Outbound;
import lockfree.common.contract.SendQueue;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The send-queue workload's limit: the cheapest hand-off from many producers to one consumer we
 * could write that still keeps every rule of {@link SendQueue} ({@code LimitSendQueueContractTest}
 * runs the contract against it). It is not a stage and no gateway uses it; it is the yardstick the
 * stages' queues are measured against in the same run.
 *
 * <p><b>One atomic instruction per offer, one per batch.</b> The producers push onto a stack: a
 * single {@code head} reference, CASed from the node it read to the new node. The same CAS also
 * decides the wake-up: whoever pushes onto {@link #IDLE} (no drain scheduled) submits the drain,
 * everybody else knows one is scheduled or running. Stage 3 needs two atomics per offer (claim a
 * slot, then count the wake-up); here the queue and the "drain pending" flag are one word. The
 * consumer takes the whole stack with one CAS and reverses it, which restores the order of the
 * pushes, so each producer's messages stay in its order.
 *
 * <p><b>The bound without a shared counter.</b> Each node records how many nodes are below it
 * since the drain last took the stack ({@code depth}); the drain publishes how many messages it has
 * taken but not yet written ({@code pendingCount}, changed once per batch). An offer is refused
 * when the two together would pass the capacity. With no drain running both are exact, so a queue
 * of capacity c accepts exactly c offers; while a drain runs it may refuse a little early (an offer
 * that read the stack just before the drain took it counts the taken messages twice), never late.
 *
 * <p>What it costs that an array queue does not: a 24-byte node per message.
 */
public final class LimitSendQueue<E> implements SendQueue<E> {

    /** A pushed message; {@code next} points at the node pushed before it. */
    private static final class Node {
        final Object message;
        Node next;
        int depth;

        Node(Object message) {
            this.message = message;
        }
    }

    /** Bottom of the stack when no drain is scheduled: the producer that pushes onto it submits one. */
    private static final Node IDLE = new Node(null);
    /** Bottom of the stack while a drain is scheduled or running and has taken everything pushed so far. */
    private static final Node DRAINING = new Node(null);

    private final int capacity;
    private final Outbound<E> outbound;
    private final Runnable drain = this::drain;

    /*
     * The stack. A producer's plain stores to its node (message, next, depth) happen before its
     * CAS, which has release semantics; the drain's CAS has acquire semantics, so the drain
     * sees every field of every node it takes. A weaker store (a lazySet) would not do: the CAS
     * must fail when another producer or the drain changed head since this producer read it.
     */
    private final AtomicReference<Node> head = new AtomicReference<>(IDLE);

    /* Taken from the stack but not yet written (the socket backed up), oldest first. Consumer only. */
    private Node pendingFirst;
    private Node pendingLast;
    private int pending;
    /*
     * `pending` as the producers see it, for the bound. Written by the consumer only, once per
     * take and once per batch written; volatile so that an offer after a drain sees the room the
     * drain made. See takeAll for the order that keeps it from ever counting too little.
     */
    private volatile int pendingCount;

    public LimitSendQueue(int capacity, Outbound<E> outbound) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.outbound = outbound;
    }

    @Override
    public boolean offer(E message) {
        Node node = new Node(message);
        for (;;) {
            Node h = head.get();
            int depth = h.depth + 1; // the sentinels have depth 0
            if (depth + pendingCount > capacity) {
                return false;
            }
            node.next = h;
            node.depth = depth;
            if (head.compareAndSet(h, node)) {
                if (h == IDLE) {
                    outbound.execute(drain); // we ended the idle state: the drain is ours to submit
                }
                return true;
            }
        }
    }

    @Override
    public void scheduleDrain() {
        // Only IDLE means "no drain coming". Any other head means a drain is scheduled or running,
        // and that drain re-reads writability before it goes idle (see drain), so it serves us.
        if (head.get() == IDLE && head.compareAndSet(IDLE, DRAINING)) {
            outbound.execute(drain);
        }
    }

    @Override
    public int size() {
        return head.get().depth + pendingCount;
    }

    /** Runs only on the outbound's executor thread, and only while head is not IDLE: never twice at once. */
    @SuppressWarnings("unchecked")
    private void drain() {
        for (;;) {
            take(takeAll());
            if (!outbound.isOpen()) {
                for (Node n = pendingFirst; n != null; n = n.next) {
                    outbound.discard((E) n.message);
                }
                clearPending();
            } else {
                boolean wrote = false;
                Node n = pendingFirst;
                int left = pending;
                while (n != null && outbound.isWritable()) {
                    outbound.write((E) n.message);
                    wrote = true;
                    n = n.next;
                    left--;
                }
                if (wrote) {
                    outbound.flush(); // also when we stopped on !isWritable: the buffer must reach the socket
                }
                pendingFirst = n;
                if (n == null) {
                    pendingLast = null;
                }
                pending = left;
                pendingCount = left;
            }
            if (pending == 0) {
                // Nothing left: go idle unless a producer pushed meanwhile (then head is not
                // DRAINING and that producer did not submit a drain, counting on us).
                if (head.compareAndSet(DRAINING, IDLE)) {
                    return;
                }
            } else if (head.compareAndSet(DRAINING, IDLE)) {
                // Backed up: go idle with messages pending. A scheduleDrain() that ran while we
                // were still DRAINING did nothing, so look at writability again AFTER going idle:
                // it was made true before that call read head, and our CAS came after the read.
                if (!(outbound.isWritable() || !outbound.isOpen()) || !head.compareAndSet(IDLE, DRAINING)) {
                    return; // still backed up, or someone else already took the idle state (and submitted a drain)
                }
            }
        }
    }

    /**
     * Empties the stack and returns what it held. The count goes up BEFORE the stack is emptied.
     * The other order (a getAndSet, then the count; this queue's first version) leaves a window in
     * which the taken messages are neither on the stack nor in {@code pendingCount}: an offer that
     * reads the empty stack and the old count is accepted past the capacity. A CI run
     * caught exactly that (a full queue of 16 accepted a 17th offer while its first drain ran).
     *
     * <p>Written first, the count covers the taken messages from before they leave the stack. An
     * offer that reads head after our CAS reads the new count too (the CAS is a volatile write
     * after it), so it counts them once; an offer that read head before our CAS may count them
     * twice and refuse early, and its own CAS on that head then fails anyway. If a producer pushes
     * between our read and our CAS, the CAS fails and we publish the larger count and try again.
     */
    private Node takeAll() {
        for (;;) {
            Node h = head.get();
            pendingCount = pending + h.depth;
            if (head.compareAndSet(h, DRAINING)) {
                return h;
            }
        }
    }

    /** Appends a taken stack, reversed into push order, to the pending list. */
    private void take(Node top) {
        Node first = null;
        Node last = null;
        int count = 0;
        for (Node n = top; n != IDLE && n != DRAINING; ) {
            Node below = n.next;
            n.next = first;
            if (first == null) {
                last = n;
            }
            first = n;
            n = below;
            count++;
        }
        if (count == 0) {
            return;
        }
        if (pendingLast == null) {
            pendingFirst = first;
        } else {
            pendingLast.next = first;
        }
        pendingLast = last;
        pending += count;
        pendingCount = pending;
    }

    private void clearPending() {
        pendingFirst = null;
        pendingLast = null;
        pending = 0;
        pendingCount = 0;
    }
}
