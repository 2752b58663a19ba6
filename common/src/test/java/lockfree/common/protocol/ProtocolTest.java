package lockfree.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolTest {

    private static ErrorCode codeOf(String frame) {
        return assertThrows(Protocol.BadInput.class, () -> Protocol.parse(frame), frame).code();
    }

    @Test
    void parsesEveryClientOp() throws Exception {
        Protocol.Login login = assertInstanceOf(Protocol.Login.class, Protocol.parse("{\"op\":\"login\",\"uid\":9007199254740993}"));
        assertEquals(9007199254740993L, login.uid(), "full int64 range, beyond a double's precision");
        assertNull(login.token());
        Protocol.Send send = assertInstanceOf(Protocol.Send.class, Protocol.parse("{\"op\":\"send\",\"to\":2,\"data\":null,\"id\":\"x\"}"));
        assertEquals("null", send.data(), "null is a valid data value");
        assertEquals("x", send.id().asText());
        Protocol.Multicast m = assertInstanceOf(Protocol.Multicast.class,
                Protocol.parse("{\"op\":\"multicast\",\"to\":[3,1,3,2],\"data\":[1]}"));
        assertArrayEquals(new long[] {1, 2, 3}, m.to(), "deduplicated: one copy per user");
        assertInstanceOf(Protocol.Broadcast.class, Protocol.parse("{\"op\":\"broadcast\",\"data\":{}}"));
        assertInstanceOf(Protocol.Ping.class, Protocol.parse("{\"op\":\"ping\"}"));
    }

    @Test
    void refusesBadFramesWithTheRightCode() {
        assertEquals(ErrorCode.BAD_JSON, codeOf("{"));
        assertEquals(ErrorCode.BAD_JSON, codeOf("\"just a string\""));
        assertEquals(ErrorCode.BAD_JSON, codeOf(""));
        assertEquals(ErrorCode.UNKNOWN_OP, codeOf("{\"op\":1}"));
        assertEquals(ErrorCode.UNKNOWN_OP, codeOf("{\"op\":\"LOGIN\"}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"login\",\"uid\":0}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"login\",\"uid\":1.5}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"login\",\"uid\":18446744073709551616}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"login\",\"uid\":1,\"token\":5}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"multicast\",\"to\":[],\"data\":1}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"multicast\",\"to\":[1,\"2\"],\"data\":1}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"broadcast\"}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"send\",\"to\":1,\"data\":1,\"id\":true}"));
    }

    @Test
    void parsesPushBodies() throws Exception {
        Protocol.Push to = Protocol.parsePush("{\"to\":[5,5],\"data\":\"x\"}");
        assertArrayEquals(new long[] {5}, to.to());
        Protocol.Push all = Protocol.parsePush("{\"all\":true,\"data\":\"x\"}");
        assertTrue(all.all());
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(Protocol.BadInput.class,
                () -> Protocol.parsePush("{\"all\":false,\"data\":1}")).code());
    }

    @Test
    void aMsgFrameCarriesDataUntouched() throws Exception {
        String data = "{\"a\":[1,2.5,\"\\u00e9\",null,{\"b\":false}]}";
        ByteBuf buf = Protocol.msg(UnpooledByteBufAllocator.DEFAULT, 7, data);
        try {
            JsonNode frame = Protocol.JSON.readTree(buf.toString(StandardCharsets.UTF_8));
            assertEquals("msg", frame.get("op").asText());
            assertEquals(7, frame.get("from").asLong());
            assertEquals(Protocol.JSON.readTree(data), frame.get("data"));
        } finally {
            buf.release();
        }
    }

    @Test
    void dataIsKeptAsTheSenderWroteIt() throws Exception {
        // A tree would turn 1e400 into Infinity and drop the last digits of the second number.
        for (String data : List.of("1e400", "1.00000000000000000001", "-0.0", "\"\\u00e9\\n\"", "[1, 2 ,{\"x\" : 1E2}]",
                "{}", "true", "null", "123456789012345678901234567890")) {
            Protocol.Send send = (Protocol.Send) Protocol.parse("{\"op\":\"send\",\"to\":2,\"data\":" + data + ",\"id\":1}");
            assertEquals(data, send.data());
            assertEquals(data, Protocol.parsePush("{\"data\":" + data + ",\"all\":true}").data());
            ByteBuf buf = Protocol.msg(UnpooledByteBufAllocator.DEFAULT, 1, send.data());
            try {
                assertEquals("{\"op\":\"msg\",\"from\":1,\"data\":" + data + "}", buf.toString(StandardCharsets.UTF_8));
            } finally {
                buf.release();
            }
        }
        assertEquals(ErrorCode.BAD_JSON, codeOf("{\"op\":\"send\",\"to\":2,\"data\":[1,}"), "data is still checked");
    }
}
