package lockfree.common.transport;

import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.ErrorCode;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.MessageSizeEstimator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.SystemPropertyUtil;

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
 * <li>Output waiting for {@code --slow-consumer-timeout} after the channel turned unwritable, and
 *     the client took less than {@link #HIGH_WATER} bytes of it in that time: the client is not
 *     reading. A WebSocket is closed with 4001, an HTTP connection is closed. Progress, not
 *     writability, decides: the kernel's send buffer takes a little now and then, so a client
 *     that reads nothing still flips the channel writable for a moment, which would restart a
 *     plain "unwritable for so long" clock for ever.</li>
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

    /*
     * What the channel's outbound buffer charges per message on top of its bytes (Netty's own
     * property and default), so that our sum of what went in and its count of what is still
     * there are in the same unit, and their difference is what the socket took.
     */
    private static final int ENTRY_OVERHEAD =
            SystemPropertyUtil.getInt("io.netty.transport.outboundBufferEntrySizeOverhead", 96);

    private final long budget;
    private final long stallNanos;
    private final GatewayMetrics metrics;
    private final Connections connections;
    private MessageSizeEstimator.Handle sizes;
    private long queued;
    private long writtenAtStall;
    private ScheduledFuture<?> stallCheck;
    private boolean cut;

    OutboundBudget(GatewayConfig config, GatewayMetrics metrics, Connections connections) {
        this.budget = budget(config.maxFrameBytes());
        this.stallNanos = config.slowConsumerTimeout().toNanos();
        this.metrics = metrics;
        this.connections = connections;
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
        if (sizes == null) {
            sizes = ctx.channel().config().getMessageSizeEstimator().newHandle();
        }
        queued += Math.max(0, sizes.size(msg)) + ENTRY_OVERHEAD;
        ctx.write(msg, promise);
        // The write above has reached the outbound buffer (we are on the event loop), so the
        // count already includes it.
        if (pending(ctx.channel()) > budget) {
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
            armStallCheck(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void armStallCheck(ChannelHandlerContext ctx) {
        writtenAtStall = written(ctx.channel());
        stallCheck = ctx.executor().schedule(() -> stalled(ctx), stallNanos, TimeUnit.NANOSECONDS);
    }

    private void stalled(ChannelHandlerContext ctx) {
        stallCheck = null;
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            return;
        }
        if (pending(ch) > 0 && written(ch) - writtenAtStall < HIGH_WATER) {
            metrics.error(ErrorCode.NOT_READING);
            if (!connections.closeSlowConsumer(ch)) {
                ch.close(); // an HTTP connection: no close frame to say why
            }
        } else if (!ch.isWritable()) {
            armStallCheck(ctx); // slow, but reading: another period, measured afresh
        }
    }

    /** Bytes (with per-message overhead) the socket has taken from this channel so far. */
    private long written(Channel ch) {
        return queued - pending(ch);
    }

    private static long pending(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (stallCheck != null) {
            stallCheck.cancel(false);
        }
    }
}
