package lockfree.common;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * The one outbound budget of a connection. It sits next to the socket, so every byte written to
 * the client passes it once encoded: pushes from the send queue, acks, pongs, error frames, HTTP
 * responses, close frames. Netty counts those bytes in the channel's outbound buffer; this handler
 * acts on the count.
 *
 * <ul>
 * <li>Above {@link #HIGH_WATER} unwritten bytes the channel turns unwritable: we stop reading the
 *     client (auto-read off), so a client that does not read cannot make us produce more replies,
 *     and the send queue's drain stops. Below {@link #LOW_WATER} both resume.</li>
 * <li>Unwritable for {@code --slow-consumer-timeout}: the client is not reading. A WebSocket is
 *     closed with 4001, an HTTP connection is closed.</li>
 * <li>More than {@link #budget(int)} unwritten bytes: cut at once. Reading stops at the high-water
 *     mark, but the frames of the read already in progress are still answered; this is the hard
 *     stop for that tail, whatever the client sent.</li>
 * </ul>
 * Event-loop confined: Netty calls every method on the channel's own loop.
 */
final class OutboundBudget extends ChannelDuplexHandler {
    /** Below this many unwritten bytes a channel is writable again. */
    static final int LOW_WATER = 32 * 1024;
    /** Above this many unwritten bytes a channel is unwritable. */
    static final int HIGH_WATER = 64 * 1024;
    private static final long BUDGET_FLOOR = 1 << 20;

    private final long budget;
    private final long stallNanos;
    private final GatewayMetrics metrics;
    private ScheduledFuture<?> stallCheck;
    private boolean cut;

    OutboundBudget(GatewayConfig config, GatewayMetrics metrics) {
        this.budget = budget(config.maxFrameBytes());
        this.stallNanos = config.slowConsumerTimeout().toNanos();
        this.metrics = metrics;
    }

    /**
     * The most unwritten bytes one connection may hold: 1 MiB, or four messages of --max-frame if
     * that is more (one message alone may be that large, and must still get through).
     */
    static long budget(int maxFrameBytes) {
        return Math.max(BUDGET_FLOOR, 4L * maxFrameBytes);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (cut) {
            ReferenceCountUtil.release(msg);
            if (!promise.isVoid()) {
                promise.tryFailure(new ClosedChannelException());
            }
            return;
        }
        ctx.write(msg, promise);
        // The write above has reached the outbound buffer (we are on the event loop), so the
        // count already includes it.
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        if (buffer != null && buffer.totalPendingWriteBytes() > budget) {
            cut = true;
            metrics.error(ErrorCode.NOT_READING);
            metrics.slowConsumerCloses.inc();
            // Not from inside this write: the caller may still be iterating; a task runs after it.
            ctx.executor().execute(ctx::close);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        boolean writable = ch.isWritable();
        ch.config().setAutoRead(writable);
        if (!writable && stallCheck == null) {
            stallCheck = ctx.executor().schedule(() -> stalled(ch), stallNanos, TimeUnit.NANOSECONDS);
        } else if (writable && stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void stalled(Channel ch) {
        stallCheck = null;
        if (ch.isActive() && !ch.isWritable()) {
            metrics.error(ErrorCode.NOT_READING);
            if (!SessionHandler.closeSlowConsumer(ch, metrics)) {
                ch.close(); // an HTTP connection: no close frame to say why
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (stallCheck != null) {
            stallCheck.cancel(false);
        }
    }
}
