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
 * decides the wake-up: whoever pushes onto an idle marker (no drain scheduled) submits the drain,
 * everybody else knows one is scheduled or running. Stage 3 needs two atomics per offer (claim a
 * slot, then count the wake-up); here the queue and the "drain pending" flag are one word. The
 * consumer takes the whole stack with one CAS, swapping in a marker, and reverses what it took,
 * which restores the order of the pushes, so each producer's messages stay in its order.
 *
 * <p><b>The bound without a shared counter.</b> Every node carries a running number: how many
 * messages were ever pushed onto this queue, itself included ({@code seq}); the marker the drain
 * swaps in keeps the number of the node it replaced, so taking the stack changes no count. The
 * drain publishes how many messages it has finished with, written or discarded ({@code done},
 * once per batch). The queue holds {@code head.seq - done} messages, and an offer is refused when
 * one more would pass the capacity. Nothing but a finished batch changes {@code done}, so while
 * nothing can be written a queue of capacity c accepts exactly c offers, drain running or not.
 *
 * <p>Why no separate "taken" count beside the stack: the drain would have to move what it took
 * from one number to the other, two words no order of updates keeps in sum. Emptying the stack
 * and then counting lets an offer in between see neither, and accept past the capacity; counting
 * and then emptying lets an offer that read the stack just before see both, and refuse below it.
 * Both are kept as broken variants ({@code BrokenSendQueues.CountedAfterTake},
 * {@code CountedFirst}) that the model checker's bound race rejects, the race this queue passes.
 *
 * <p>What it costs that an array queue does not: a 24-byte node per message.
 */
public final class LimitSendQueue<E> implements SendQueue<E> {

    /** A marker's message: no drain is scheduled, so whoever pushes onto it submits one. */
    private static final Object IDLE = new Object();
    /** A marker's message: a drain is scheduled or running and has taken everything below. */
    private static final Object DRAINING = new Object();

    /** A pushed message, or a marker standing for the bottom of the stack. */
    private static final class Node {
        /** The message, or {@link #IDLE} / {@link #DRAINING} for a marker (no flag field: 24 bytes a node). */
        final Object message;
        /** The node pushed before this one; null for a marker. */
        Node next;
        /*
         * Messages ever pushed, this one included (a marker: as of the node it replaced). An int
         * that may wrap: only differences are used, and the queue never holds 2^31 messages.
         */
        int seq;

        Node(Object message) {
            this.message = message;
        }

        static Node marker(Object kind, int seq) {
            Node m = new Node(kind);
            m.seq = seq;
            return m;
        }

        boolean isMarker() {
            return message == IDLE || message == DRAINING;
        }
    }

    private final int capacity;
    private final Outbound<E> outbound;
    private final Runnable drain = this::drain;

    /*
     * The stack. A producer's plain stores to its node (message, next, seq) happen before its CAS,
     * which has release semantics; the drain's CAS has acquire semantics, so the drain sees every
     * field of every node it takes. A weaker store (a lazySet) would not do: the CAS must fail when
     * another producer or the drain changed head since this producer read it. No node is ever head
     * twice (markers are fresh), so a CAS that succeeds saw nothing happen since its read.
     */
    private final AtomicReference<Node> head = new AtomicReference<>(Node.marker(IDLE, 0));

    /*
     * Messages finished with (written or discarded), ever. Written by the consumer only, once per
     * batch; volatile so that an offer after a drain sees the room the drain made. An offer reads
     * it after head, so it may see a larger value than when it read head; that only counts fewer
     * messages than were there at the read, never fewer than are there at its CAS: every message
     * finished was pushed before the head it read (else its CAS fails), and `done` only grows.
     */
    private volatile int done;

    /* Taken from the stack but not yet written (the socket backed up), oldest first. Consumer only. */
    private Node pendingFirst;
    private Node pendingLast;
    /* The marker the drain swapped in at its last take. Consumer only. */
    private Node draining;

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
            int seq = h.seq + 1;
            if (seq - done > capacity) {
                return false;
            }
            node.next = h;
            node.seq = seq;
            if (head.compareAndSet(h, node)) {
                if (h.message == IDLE) {
                    outbound.execute(drain); // we ended the idle state: the drain is ours to submit
                }
                return true;
            }
        }
    }

    @Override
    public void scheduleDrain() {
        // Only an idle marker means "no drain coming". Any other head means a drain is scheduled or
        // running, and that drain re-reads writability before it goes idle (see drain), so it serves us.
        Node h = head.get();
        if (h.message == IDLE && head.compareAndSet(h, Node.marker(DRAINING, h.seq))) {
            outbound.execute(drain);
        }
    }

    @Override
    public int size() {
        return head.get().seq - done;
    }

    /** Runs only on the outbound's executor thread, and only while head is not an idle marker: never twice at once. */
    @SuppressWarnings("unchecked")
    private void drain() {
        for (;;) {
            take();
            int finished = 0;
            Node n = pendingFirst;
            if (!outbound.isOpen()) {
                for (; n != null; n = n.next) {
                    outbound.discard((E) n.message);
                    finished++;
                }
            } else {
                while (n != null && outbound.isWritable()) {
                    outbound.write((E) n.message);
                    finished++;
                    n = n.next;
                }
                if (finished > 0) {
                    outbound.flush(); // also when we stopped on !isWritable: the buffer must reach the socket
                }
            }
            pendingFirst = n;
            if (n == null) {
                pendingLast = null;
            }
            if (finished > 0) {
                done = done + finished; // one volatile write per batch; only this thread writes it
            }
            Node idle = Node.marker(IDLE, draining.seq);
            if (pendingFirst == null) {
                // Nothing left: go idle unless a producer pushed meanwhile (then head is not our
                // marker and that producer did not submit a drain, counting on us).
                if (head.compareAndSet(draining, idle)) {
                    return;
                }
            } else if (head.compareAndSet(draining, idle)) {
                // Backed up: go idle with messages pending. A scheduleDrain() that ran while we
                // were still draining did nothing, so look at writability again AFTER going idle:
                // it was made true before that call read head, and our CAS came after the read.
                if (!(outbound.isWritable() || !outbound.isOpen())
                        || !head.compareAndSet(idle, Node.marker(DRAINING, idle.seq))) {
                    return; // still backed up, or someone else already took the idle state (and submitted a drain)
                }
            }
        }
    }

    /**
     * Swaps a draining marker in for the stack and appends what the stack held, reversed into push
     * order, to the pending list. The marker keeps the number of the node it replaces, so the
     * queue's size is the same before and after: no offer can see the taken messages twice or
     * not at all. If a producer pushes between our read and our CAS, the CAS fails and we read again.
     */
    private void take() {
        Node marker = Node.marker(DRAINING, 0);
        Node top;
        do {
            top = head.get();
            marker.seq = top.seq; // not yet published: a plain store, made visible by the CAS
        } while (!head.compareAndSet(top, marker));
        draining = marker;

        Node first = null;
        Node last = null;
        for (Node n = top; !n.isMarker(); ) {
            Node below = n.next;
            n.next = first;
            if (first == null) {
                last = n;
            }
            first = n;
            n = below;
        }
        if (first == null) {
            return;
        }
        if (pendingLast == null) {
            pendingFirst = first;
        } else {
            pendingLast.next = first;
        }
        pendingLast = last;
    }
}
