package lockfree.common.routing;

import lockfree.common.routing.Router.Outcome;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import org.jctools.queues.MpscArrayQueue;

import java.util.function.LongConsumer;

/**
 * Redis to local sessions. Lettuce's I/O thread only {@link #offer}s each received message; the
 * inbox {@link Worker} parses it and offers the frame to the local send queues, so a broadcast
 * walking every local user never stalls the Redis connection.
 */
final class RedisInbox implements AutoCloseable {
    private static final int BATCH = 256;

    private record Inbound(String channel, byte[] payload) {
    }

    private final String nodeId;
    private final LocalDelivery local;
    private final Claims claims;
    /** Asks the publisher to publish our claim for a user (another node's claim was older). */
    private final LongConsumer answerClaim;
    /** One producer at a time (the Lettuce thread of the current subscriber connection), one consumer. */
    private final MpscArrayQueue<Inbound> queue;
    private final Worker worker;

    private final Counter received;
    private final CounterDataPoint droppedFull;
    private final CounterDataPoint droppedLeft;
    private final CounterDataPoint droppedMalformed;

    RedisInbox(int capacity, String nodeId, LocalDelivery local, Claims claims, LongConsumer answerClaim,
               RouterMetrics metrics) {
        this.nodeId = nodeId;
        this.local = local;
        this.claims = claims;
        this.answerClaim = answerClaim;
        this.queue = new MpscArrayQueue<>(capacity);
        this.received = metrics.received();
        this.droppedFull = metrics.droppedInboxFull();
        this.droppedLeft = metrics.droppedLeft();
        this.droppedMalformed = metrics.droppedMalformed();
        this.worker = new Worker("redis-inbox", this::step, () -> !queue.isEmpty());
    }

    void start() {
        worker.start();
    }

    /** Runs on Lettuce's I/O threads: only hand off. */
    void offer(String channel, byte[] payload) {
        received.inc();
        if (queue.offer(new Inbound(channel, payload))) {
            worker.wake();
        } else {
            droppedFull.inc();
        }
    }

    @Override
    public void close() {
        worker.close();
    }

    private boolean step() {
        int n = 0;
        for (Inbound m; n < BATCH && (m = queue.poll()) != null; n++) {
            deliver(m.channel(), m.payload());
        }
        return n > 0;
    }

    private void deliver(String channel, byte[] payload) {
        boolean all = RedisRouter.ALL_CHANNEL.equals(channel);
        long uid = all ? 0 : RedisRouter.userOf(channel);
        RedisMessage m = RedisMessage.parse(payload);
        if (m.kind() == RedisMessage.Kind.INVALID || (!all && uid <= 0)) {
            droppedMalformed.inc();
            return;
        }
        if (m.kind() == RedisMessage.Kind.CLAIM) {
            if (!all && claims.heard(uid, m)) {
                answerClaim.accept(uid);
            }
            return;
        }
        if (all && nodeId.equals(m.node())) {
            return; // our own broadcast: delivered here before it was published
        }
        int length = payload.length - m.frameOffset();
        // One copy into a direct buffer, shared by every local recipient (retained duplicates).
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(payload, m.frameOffset(), length);
        try {
            if (all) {
                local.toAll(frame);
            } else if (local.toUser(uid, frame) == Outcome.OFFLINE) {
                droppedLeft.inc(); // the user left this node while the message was on its way
            }
        } finally {
            frame.release();
        }
    }
}
