package lockfree.common.routing;

import io.netty.buffer.ByteBuf;

import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

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
    public int toUsers(long[] uids, ByteBuf frame, ObjIntConsumer<Outcome> done) {
        int queued = 0;
        int dropped = 0;
        for (long uid : uids) {
            Outcome o = local.toUser(uid, frame);
            if (o == Outcome.QUEUED) {
                queued++;
            } else if (o == Outcome.DROPPED) {
                dropped++;
            }
        }
        if (done != null) {
            done.accept(Outcome.ofMany(queued, dropped), queued);
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
