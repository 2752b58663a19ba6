package lockfree.common.transport;

import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.CloseCodes;
import lockfree.common.protocol.ErrorCode;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Control frames, before Netty's protocol handler sees them. Netty would answer every ping with a
 * pong on its own, unmetered; here a ping draws from the connection's {@link FrameRate} like any
 * frame, and an over-limit ping is dropped. Close frames are checked against RFC 6455 7.4: a code
 * the RFC does not allow on the wire, or a reason that is not UTF-8, is answered with 1002.
 * Bytes that came with the upgrade request are replayed to the frame decoder. Everything else
 * passes on untouched. One instance per channel (it holds that channel's rate).
 */
final class FrameGuard extends ChannelInboundHandlerAdapter {
    private final FrameRate rate;
    private final GatewayMetrics metrics;
    private final Connections connections;

    FrameGuard(FrameRate rate, GatewayMetrics metrics, Connections connections) {
        this.rate = rate;
        this.metrics = metrics;
        this.connections = connections;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            replayToFrameDecoder(ctx, bytes);
        } else if (msg instanceof PingWebSocketFrame ping) {
            if (rate.admit(ctx)) {
                // The pong carries the ping's payload (at most 125 bytes, RFC 6455 5.5).
                ctx.channel().writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            }
            ping.release();
        } else if (msg instanceof PongWebSocketFrame pong) {
            pong.release(); // reading it already told the idle handler the client is alive
        } else if (msg instanceof CloseWebSocketFrame close && !validClose(close.content())) {
            close.release();
            metrics.error(ErrorCode.PROTOCOL_ERROR);
            connections.close(ctx.channel(), CloseCodes.PROTOCOL_ERROR, "invalid close frame");
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /*
     * A client may send its first frames in the same write as the upgrade request, without
     * waiting for the 101. The HTTP decoder then holds those bytes when the handshake replaces it,
     * and hands them on as raw bytes from where it stood, past the frame decoder that now sits
     * before it. Unanswered, they would be dropped in silence (a login lost). They are fed to the
     * frame decoder here, before any later read (this runs inside the read that carried them).
     */
    private static void replayToFrameDecoder(ChannelHandlerContext ctx, ByteBuf bytes) throws Exception {
        ChannelHandlerContext decoder = ctx.pipeline().context(WebSocketFrameDecoder.class);
        if (decoder == null) {
            bytes.release(); // not a WebSocket (yet): bytes no HTTP decoder claimed
            return;
        }
        ((ChannelInboundHandler) decoder.handler()).channelRead(decoder, bytes);
    }

    /** RFC 6455 5.5.1 and 7.4: no body, or a two-byte code allowed on the wire plus a UTF-8 reason. */
    static boolean validClose(ByteBuf body) {
        int n = body.readableBytes();
        if (n == 0) {
            return true;
        }
        if (n < 2 || !validCloseCode(body.getUnsignedShort(body.readerIndex()))) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(body.nioBuffer(body.readerIndex() + 2, n - 2));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /*
     * 1000-1003 and 1007-1014 are defined for use on the wire; 1004 is reserved, 1005, 1006 and
     * 1015 must never be sent; 3000-4999 belong to libraries and applications; everything else
     * (below 1000, 1016-2999, 5000 and up) is not a close code at all.
     */
    static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
