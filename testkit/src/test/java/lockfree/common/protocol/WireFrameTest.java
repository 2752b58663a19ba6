package lockfree.common.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pre-encoded frame is exactly what Netty's own encoder writes for the same text frame, at each
 * edge of the three length encodings, and a client's decoder reads it back as that text.
 */
class WireFrameTest {

    private static ByteBuf payload(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + i % 26));
        }
        return Unpooled.copiedBuffer(sb, StandardCharsets.UTF_8);
    }

    /** Netty's server-side encoder (frames not masked), all its output buffers joined. */
    private static byte[] nettyEncoded(ByteBuf payload) {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        assertTrue(ch.writeOutbound(new TextWebSocketFrame(payload.retainedDuplicate())));
        ByteBuf joined = Unpooled.buffer();
        for (ByteBuf part; (part = ch.readOutbound()) != null; ) {
            joined.writeBytes(part);
            part.release();
        }
        assertFalse(ch.finish());
        byte[] bytes = ByteBufUtil.getBytes(joined);
        joined.release();
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70000})
    void theSameBytesAsNettysEncoderAndTheSameTextBack(int length) {
        ByteBuf payload = payload(length);
        ByteBuf wire = WireFrame.text(ByteBufAllocator.DEFAULT, payload);
        try {
            assertEquals(0, payload.readerIndex(), "the payload is left as it was");
            assertEquals(WireFrame.headerLength(length) + length, wire.readableBytes());
            assertEquals(ByteBufUtil.hexDump(nettyEncoded(payload)), ByteBufUtil.hexDump(wire));

            EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
            assertTrue(client.writeInbound(wire.retainedDuplicate()));
            TextWebSocketFrame read = client.readInbound();
            try {
                assertTrue(read.isFinalFragment());
                assertEquals(payload.toString(StandardCharsets.UTF_8), read.text());
            } finally {
                read.release();
            }
            assertFalse(client.finish());
        } finally {
            wire.release();
            payload.release();
        }
    }
}
