package lockfree.common.transport;

import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.ErrorCode;
import lockfree.common.protocol.Protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.util.concurrent.TimeUnit;

/**
 * One connection's {@code --rate-limit}: a token bucket (refilled at the rate, holding at most one
 * second's worth) that every frame the client sends draws from, text and control frames alike. A
 * ping costs a token because it costs us a pong: without that, pings are an unmetered way to make
 * the gateway write. Built once per channel and handed to the handlers that read frames, so it is
 * confined to the channel's event loop and needs no synchronisation.
 */
final class FrameRate {
    private final double rate;
    private final GatewayMetrics metrics;
    private double tokens;
    private long refilledAt;
    private long lastErrorAt;

    FrameRate(int perSecond, GatewayMetrics metrics) {
        this.rate = perSecond;
        this.metrics = metrics;
        this.tokens = perSecond;
        this.refilledAt = System.nanoTime();
        this.lastErrorAt = refilledAt - TimeUnit.SECONDS.toNanos(2);
    }

    /**
     * True if the frame may be served. Otherwise it is counted as {@code rate_limited} and the
     * caller drops it; the client hears about it in one error frame per second at most, since
     * answering every dropped frame would let a flooding client make us write as fast as it sends.
     */
    boolean admit(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        tokens = Math.min(rate, tokens + (now - refilledAt) * rate / 1e9);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        metrics.error(ErrorCode.RATE_LIMITED);
        if (now - lastErrorAt > TimeUnit.SECONDS.toNanos(1)) {
            lastErrorAt = now;
            ctx.channel().writeAndFlush(new TextWebSocketFrame(Protocol.error(ctx.alloc(), ErrorCode.RATE_LIMITED,
                    "more than " + (int) rate + " frames per second; frames are being dropped")));
        }
        return false;
    }
}
