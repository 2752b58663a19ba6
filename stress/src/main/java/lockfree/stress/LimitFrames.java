package lockfree.stress;

import lockfree.common.protocol.WireFrame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The limit server's outgoing frames, each built once as the bytes that go on the wire
 * ({@link WireFrame}: the header, then the JSON text). A broadcast writes
 * {@code retainedDuplicate()}s of that one buffer to every user, so nothing is encoded per
 * recipient. The JSON is written straight into the frame's buffer, after room for the header: no
 * second buffer, no copy.
 */
final class LimitFrames {
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
        ByteBuf buf = WireFrame.reserve(alloc, MSG_FROM.length + 20 + DATA.length + (dataEnd - dataStart) + 1);
        buf.writeBytes(MSG_FROM);
        writeLong(buf, from);
        buf.writeBytes(DATA);
        buf.writeBytes(src, dataStart, dataEnd - dataStart);
        buf.writeByte('}');
        return WireFrame.finish(buf);
    }

    /** {@code {"op":"ack","id":I,"status":"ok"|"offline"}}, I copied as the sender wrote it. */
    static ByteBuf ack(ByteBufAllocator alloc, byte[] src, int idStart, int idEnd, boolean delivered) {
        byte[] status = delivered ? STATUS_OK : STATUS_OFFLINE;
        ByteBuf buf = WireFrame.reserve(alloc, ACK_ID.length + (idEnd - idStart) + status.length);
        buf.writeBytes(ACK_ID);
        buf.writeBytes(src, idStart, idEnd - idStart);
        buf.writeBytes(status);
        return WireFrame.finish(buf);
    }

    /** {@code {"op":"login_ok","uid":U}}: the only field the tool reads is the op. */
    static ByteBuf loginOk(ByteBufAllocator alloc, long uid) {
        ByteBuf buf = WireFrame.reserve(alloc, LOGIN_OK.length + 21);
        buf.writeBytes(LOGIN_OK);
        writeLong(buf, uid);
        buf.writeByte('}');
        return WireFrame.finish(buf);
    }

    private static void writeLong(ByteBuf buf, long v) {
        buf.writeCharSequence(Long.toString(v), StandardCharsets.US_ASCII);
    }
}
