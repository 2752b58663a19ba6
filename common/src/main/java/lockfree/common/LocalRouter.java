package lockfree.common;

import io.netty.buffer.ByteBuf;

/** The embedded default: one node, every user is local. */
public final class LocalRouter implements Router {
    private final LocalDelivery local;

    public LocalRouter(LocalDelivery local) {
        this.local = local;
    }

    @Override
    public Outcome toUser(long uid, ByteBuf frame) {
        return local.toUser(uid, frame);
    }

    @Override
    public int toUsers(long[] uids, ByteBuf frame) {
        int queued = 0;
        for (long uid : uids) {
            if (local.toUser(uid, frame) == Outcome.QUEUED) {
                queued++;
            }
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
