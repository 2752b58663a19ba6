package lockfree.common.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A whole server-to-client text frame as it goes on the wire (RFC 6455, 5.2): the header (FIN,
 * opcode 1, the payload length; a server's frames are not masked) followed by the payload. A
 * buffer built here is written to the channel as it is: Netty's frame encoder lets a plain
 * {@code ByteBuf} pass, so nothing is encoded per write.
 *
 * <p>That is what a broadcast wants: one buffer, header included, shared by every recipient as a
 * retained duplicate, where a {@code TextWebSocketFrame} per recipient makes the encoder write a
 * header (and, for a small frame, copy the payload beside it) once per recipient.
 *
 * <p>Build in place with {@link #reserve} and {@link #finish} (the payload is written after room for
 * the longest header, and the header goes in front of it once the length is known), or from a
 * payload that already exists with {@link #text}.
 */
public final class WireFrame {
    /** FIN + opcode 1 (text): one whole text frame. */
    private static final int FIN_TEXT = 0x81;
    /** The longest server header: 2 bytes + an 8-byte length. */
    static final int MAX_HEADER = 10;

    private WireFrame() {
    }

    /** A buffer with room for the longest header; write the payload into it, then {@link #finish}. */
    public static ByteBuf reserve(ByteBufAllocator alloc, int payloadEstimate) {
        ByteBuf buf = alloc.buffer(MAX_HEADER + payloadEstimate);
        buf.writerIndex(MAX_HEADER);
        return buf;
    }

    /** Puts the header in the room {@link #reserve} left and starts the buffer there. */
    public static ByteBuf finish(ByteBuf buf) {
        int length = buf.writerIndex() - MAX_HEADER;
        int header = headerLength(length);
        int at = MAX_HEADER - header;
        buf.setByte(at, FIN_TEXT);
        if (header == 2) {
            buf.setByte(at + 1, length);
        } else if (header == 4) {
            buf.setByte(at + 1, 126);
            buf.setShort(at + 2, length);
        } else {
            buf.setByte(at + 1, 127);
            buf.setLong(at + 2, length);
        }
        return buf.readerIndex(at);
    }

    /** A new frame (refCnt 1) holding a copy of {@code payload}'s readable bytes, which it leaves as they are. */
    public static ByteBuf text(ByteBufAllocator alloc, ByteBuf payload) {
        int length = payload.readableBytes();
        ByteBuf buf = reserve(alloc, length);
        buf.writeBytes(payload, payload.readerIndex(), length);
        return finish(buf);
    }

    static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : MAX_HEADER;
    }
}
