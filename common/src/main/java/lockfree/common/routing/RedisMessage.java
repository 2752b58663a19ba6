package lockfree.common.routing;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * What travels on the Redis channels (docs/PROTOCOL.md, "Clustering with Redis"). Plain bytes, so
 * a backend can publish with redis-cli:
 * <pre>
 * {"op":"msg",...}                  a ready msg frame, delivered as it is (what a backend publishes)
 * msg &lt;node&gt;\n{"op":"msg",...}     the same, published by gateway node &lt;node&gt;
 * claim &lt;node&gt; &lt;login-millis&gt;      node &lt;node&gt; holds this channel's user since that login
 * </pre>
 * A gateway puts its node id in front of the frame it encoded (the frame is encoded once, on the
 * sending node, and its bytes are copied, not re-encoded, into every publish) so that it can
 * recognise its own broadcasts when Redis echoes them back.
 *
 * @param kind        what the payload is
 * @param node        the publishing node, or null for {@link Kind#FRAME}
 * @param frameOffset where the msg frame starts in the payload ({@link Kind#FRAME}, {@link Kind#MSG})
 * @param loginMillis the claimed login's wall-clock time ({@link Kind#CLAIM})
 */
record RedisMessage(Kind kind, String node, int frameOffset, long loginMillis) {

    enum Kind { FRAME, MSG, CLAIM, INVALID }

    private static final byte[] MSG = "msg ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLAIM = "claim ".getBytes(StandardCharsets.US_ASCII);
    private static final RedisMessage INVALID = new RedisMessage(Kind.INVALID, null, 0, 0);
    private static final RedisMessage FRAME = new RedisMessage(Kind.FRAME, null, 0, 0);

    /** {@code msg <node>\n} followed by the frame's readable bytes (the frame is not consumed). */
    static byte[] msg(byte[] header, ByteBuf frame) {
        int n = frame.readableBytes();
        byte[] out = new byte[header.length + n];
        System.arraycopy(header, 0, out, 0, header.length);
        frame.getBytes(frame.readerIndex(), out, header.length, n);
        return out;
    }

    /** The constant part of every msg this node publishes. */
    static byte[] msgHeader(String node) {
        return ("msg " + node + '\n').getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] claim(String node, long loginMillis) {
        return ("claim " + node + ' ' + loginMillis).getBytes(StandardCharsets.US_ASCII);
    }

    static RedisMessage parse(byte[] p) {
        if (p.length > 0 && p[0] == '{') {
            return FRAME;
        }
        if (startsWith(p, MSG)) {
            int nl = indexOf(p, (byte) '\n', MSG.length);
            if (nl <= MSG.length || nl == p.length - 1) {
                return INVALID;
            }
            return new RedisMessage(Kind.MSG, ascii(p, MSG.length, nl), nl + 1, 0);
        }
        if (startsWith(p, CLAIM)) {
            int sp = indexOf(p, (byte) ' ', CLAIM.length);
            if (sp <= CLAIM.length) {
                return INVALID;
            }
            try {
                long millis = Long.parseLong(ascii(p, sp + 1, p.length));
                return new RedisMessage(Kind.CLAIM, ascii(p, CLAIM.length, sp), 0, millis);
            } catch (NumberFormatException e) {
                return INVALID;
            }
        }
        return INVALID;
    }

    private static boolean startsWith(byte[] p, byte[] prefix) {
        if (p.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (p[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] p, byte b, int from) {
        for (int i = from; i < p.length; i++) {
            if (p[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] p, int from, int to) {
        return new String(p, from, to - from, StandardCharsets.US_ASCII);
    }
}
