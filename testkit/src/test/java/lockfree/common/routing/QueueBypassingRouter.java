package lockfree.common.routing;

import lockfree.common.contract.Outbound;
import lockfree.common.protocol.WireFrame;

import io.netty.buffer.ByteBuf;

import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * A deliberately broken router, for the end-to-end suite's teeth: sends and multicasts go as
 * shipped (through each recipient's send queue), but a broadcast is handed to each recipient's
 * event loop as a task that writes it straight to the connection, past the queue. That is the
 * limit server's way, and it costs less per recipient; here it breaks an order the protocol
 * promises. A sender's next send to the same user is queued while the broadcast's task waits
 * its turn on the recipient's loop, and a drain already scheduled there writes the send first.
 */
public final class QueueBypassingRouter implements Router {
    private final LocalDelivery local;
    private final LocalRouter shipped;

    public QueueBypassingRouter(LocalDelivery local) {
        this.local = local;
        this.shipped = new LocalRouter(local);
    }

    @Override
    public void toUser(long uid, ByteBuf frame, Consumer<Outcome> done) {
        shipped.toUser(uid, frame, done);
    }

    @Override
    public int toUsers(long[] uids, ByteBuf frame, ObjIntConsumer<Outcome> done) {
        return shipped.toUsers(uids, frame, done);
    }

    @Override
    public int toAll(ByteBuf frame) {
        ByteBuf wire = WireFrame.text(frame.alloc(), frame);
        try {
            int[] sent = {0};
            local.forEachUser(s -> {
                Outbound<Object> out = s.outbound();
                OutboundFrame copy = OutboundFrame.encoded(wire.retainedDuplicate());
                out.execute(() -> {
                    if (out.isOpen()) {
                        out.write(copy);
                        out.flush();
                    } else {
                        out.discard(copy);
                    }
                });
                sent[0]++;
            });
            return sent[0];
        } finally {
            wire.release();
        }
    }

    @Override
    public String kind() {
        return "local, broadcasts past the queues (broken)";
    }

    @Override
    public boolean isUp() {
        return true;
    }
}
