package lockfree.common.transport;

import lockfree.common.contract.Outbound;
import lockfree.common.metrics.DeliveryLatency;
import lockfree.common.metrics.GatewayMetrics;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.RejectedExecutionException;

/** A session's {@link Outbound}: its Netty channel, drained on the channel's event loop. */
final class ChannelOutbound implements Outbound<Object> {
    private final Channel channel;
    private final GatewayMetrics metrics;

    ChannelOutbound(Channel channel, GatewayMetrics metrics) {
        this.channel = channel;
        this.metrics = metrics;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void execute(Runnable drain) {
        try {
            channel.eventLoop().execute(drain);
        } catch (RejectedExecutionException e) {
            // The event loop has terminated (end of shutdown), so no drain can be running on it
            // any more and the channel is closed: running the drain here only discards, which
            // keeps the queue's buffers from leaking.
            drain.run();
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void write(Object message) {
        metrics.messagesOut.inc();
        metrics.deliveryLatency.record(message);
        // A pre-encoded frame goes out as its bytes: a plain buffer passes the frame encoder
        // untouched (the holder itself would not: the channel writes only buffers).
        Object out = message instanceof DeliveryLatency.StampedWire wire ? wire.content() : message;
        channel.write(out, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void discard(Object message) {
        ReferenceCountUtil.release(message);
    }
}
