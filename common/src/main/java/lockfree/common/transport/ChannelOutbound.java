package lockfree.common.transport;

import lockfree.common.contract.Outbound;
import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.routing.OutboundFrame;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.RejectedExecutionException;

/**
 * A session's {@link Outbound}: its Netty channel, drained on the channel's event loop. What its
 * queue carries is routing's {@link OutboundFrame}s (routing's {@code LocalDelivery} is the only
 * producer); the queue's element type is {@code Object} only because the contract names no
 * transport or routing type.
 */
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
        OutboundFrame frame = (OutboundFrame) message;
        metrics.messagesOut.inc();
        metrics.deliveryLatency.record(frame.offeredAtNanos());
        channel.write(frame.message(), channel.voidPromise());
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
