package lockfree.common.routing;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * What a session's send queue carries: one push for one recipient, and the time routing offered
 * it (what the gateway's delivery latency is measured from, when the drain writes it). Its bytes
 * are either
 * <ul>
 *   <li>the payload, in a retained duplicate of the caller's buffer: the channel's WebSocket
 *       encoder puts the header in front of it when it is written; or</li>
 *   <li>a whole frame already on its wire form ({@code WireFrame}: header and payload), a retained
 *       duplicate of the one buffer a broadcast encodes for all its recipients: the channel
 *       writes those bytes as they are.</li>
 * </ul>
 * {@link #message()} says which object the channel is to write.
 *
 * <p>Why it is a {@code TextWebSocketFrame} with one more field, and not a holder around one: a
 * broadcast makes one of these per logged-in user on the node (ten thousand of them for one
 * client frame), all on the sender's thread, between that client's reads. Each extra object or
 * field per recipient there is multiplied by every recipient and delays every later reader of
 * the same event loop. So a recipient costs exactly one object, this one, carrying the offer time
 * itself (beside the duplicate view of the shared bytes, which any sharing needs). An
 * own-payload frame is handed to the encoder as it is, so writing it allocates no wrapper either.
 *
 * <p>Ownership: one reference, released by whoever ends the push's life: the channel's write,
 * the queue's discard after the connection closed, or routing when the queue refuses it.
 */
public final class OutboundFrame extends TextWebSocketFrame {
    private final long offeredAtNanos;
    private final boolean encoded;

    private OutboundFrame(ByteBuf bytes, long offeredAtNanos, boolean encoded) {
        super(bytes);
        this.offeredAtNanos = offeredAtNanos;
        this.encoded = encoded;
    }

    /** A push of {@code payload} (taken over, not retained), offered now. */
    static OutboundFrame payload(ByteBuf payload) {
        return new OutboundFrame(payload, System.nanoTime(), false);
    }

    /** A push of a whole frame already in its wire form (taken over, not retained), offered now. */
    static OutboundFrame encoded(ByteBuf wire) {
        return new OutboundFrame(wire, System.nanoTime(), true);
    }

    /** {@code System.nanoTime()} when routing offered it to the queue. */
    public long offeredAtNanos() {
        return offeredAtNanos;
    }

    /**
     * What the channel writes: this frame, which the WebSocket encoder turns into header and
     * payload; or, for a frame already encoded, its bytes, a plain buffer that the encoder lets
     * pass untouched (the frame itself would be encoded a second time). Either way the channel's
     * write takes over this frame's one reference.
     */
    public Object message() {
        return encoded ? content() : this;
    }
}
