package lockfree.common.routing;

import io.netty.buffer.ByteBuf;

import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** The embedded default: one node, every user is local. */
public final class LocalRouter implements Router {
    private final LocalDelivery local;

    public LocalRouter(LocalDelivery local) {
        this.local = local;
    }

    @Override
    public void toUser(long uid, ByteBuf frame, Consumer<Outcome> done) {
        done.accept(local.toUser(uid, frame));
    }

    /** Every answer is final on one node: what was accepted is what is confirmed. */
    @Override
    public int toUsers(long[] uids, ByteBuf frame, IntConsumer confirmed) {
        int queued = 0;
        for (long uid : uids) {
            if (local.toUser(uid, frame) == Outcome.QUEUED) {
                queued++;
            }
        }
        if (confirmed != null) {
            confirmed.accept(queued);
        }
        return queued;
    }

    @Override
    public int toAll(ByteBuf frame) {
        return local.toAll(frame);
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public boolean isUp() {
        return true;
    }
}
