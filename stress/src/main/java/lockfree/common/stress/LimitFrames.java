package lockfree.common.stress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The limit server's outgoing frames, each built once as the bytes that go on the wire: the
 * WebSocket header (a server's frames are not masked) followed by the JSON text. A broadcast
 * writes {@code retainedDuplicate()}s of that one buffer to every user, so nothing is encoded
 * per recipient, neither the JSON nor the frame header (the gateway's transport encodes the JSON
 * once, but Netty's frame encoder writes a header per recipient).
 *
 * <p>The payload is written first, after room for the longest header, and the header is put in
 * front of it once its length is known: no second buffer, no copy.
 */
final class LimitFrames {
    /** FIN + opcode 1 (text): one whole text frame. */
    private static final int FIN_TEXT = 0x81;
    /** The longest server header: 2 bytes + an 8-byte length. */
    private static final int MAX_HEADER = 10;

    private static final byte[] MSG_FROM = ascii("{\"op\":\"msg\",\"from\":");
    private static final byte[] DATA = ascii(",\"data\":");
    private static final byte[] ACK_ID = ascii("{\"op\":\"ack\",\"id\":");
    private static final byte[] STATUS_OK = ascii(",\"status\":\"ok\"}");
    private static final byte[] STATUS_OFFLINE = ascii(",\"status\":\"offline\"}");
    private static final byte[] LOGIN_OK = ascii("{\"op\":\"login_ok\",\"uid\":");

    private LimitFrames() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code {"op":"msg","from":F,"data":D}}, D copied as the sender wrote it. */
    static ByteBuf msg(ByteBufAllocator alloc, long from, byte[] src, int dataStart, int dataEnd) {
        ByteBuf buf = start(alloc, MSG_FROM.length + 20 + DATA.length + (dataEnd - dataStart) + 1);
        buf.writeBytes(MSG_FROM);
        writeLong(buf, from);
        buf.writeBytes(DATA);
        buf.writeBytes(src, dataStart, dataEnd - dataStart);
        buf.writeByte('}');
        return finish(buf);
    }

    /** {@code {"op":"ack","id":I,"status":"ok"|"offline"}}, I copied as the sender wrote it. */
    static ByteBuf ack(ByteBufAllocator alloc, byte[] src, int idStart, int idEnd, boolean delivered) {
        byte[] status = delivered ? STATUS_OK : STATUS_OFFLINE;
        ByteBuf buf = start(alloc, ACK_ID.length + (idEnd - idStart) + status.length);
        buf.writeBytes(ACK_ID);
        buf.writeBytes(src, idStart, idEnd - idStart);
        buf.writeBytes(status);
        return finish(buf);
    }

    /** {@code {"op":"login_ok","uid":U}}: the only field the tool reads is the op. */
    static ByteBuf loginOk(ByteBufAllocator alloc, long uid) {
        ByteBuf buf = start(alloc, LOGIN_OK.length + 21);
        buf.writeBytes(LOGIN_OK);
        writeLong(buf, uid);
        buf.writeByte('}');
        return finish(buf);
    }

    private static ByteBuf start(ByteBufAllocator alloc, int payloadEstimate) {
        ByteBuf buf = alloc.buffer(MAX_HEADER + payloadEstimate);
        buf.writerIndex(MAX_HEADER);
        return buf;
    }

    /** Puts the header in the room left before the payload (RFC 6455, 5.2) and starts the buffer there. */
    private static ByteBuf finish(ByteBuf buf) {
        int length = buf.writerIndex() - MAX_HEADER;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : MAX_HEADER;
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

    private static void writeLong(ByteBuf buf, long v) {
        buf.writeCharSequence(Long.toString(v), StandardCharsets.US_ASCII);
    }
}
