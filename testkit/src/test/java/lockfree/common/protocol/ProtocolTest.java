package lockfree.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final ObjectMapper JSON = new ObjectMapper();

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
            JsonNode frame = JSON.readTree(buf.toString(StandardCharsets.UTF_8));
            assertEquals("msg", frame.get("op").asText());
            assertEquals(7, frame.get("from").asLong());
            assertEquals(JSON.readTree(data), frame.get("data"));
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

    private static String ackFor(String id) throws Exception {
        Protocol.Send send = (Protocol.Send) Protocol.parse("{\"op\":\"send\",\"to\":2,\"data\":1,\"id\":" + id + "}");
        ByteBuf buf = Protocol.ack(UnpooledByteBufAllocator.DEFAULT, send.id(), "ok", -1);
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void anAckEchoesTheIdAsJsonReadIt() throws Exception {
        assertEquals("{\"op\":\"ack\",\"id\":\"\u00e9\",\"status\":\"ok\"}", ackFor("\"\\u00e9\""));
        assertEquals("{\"op\":\"ack\",\"id\":123456789012345678901234567890,\"status\":\"ok\"}", ackFor("123456789012345678901234567890"));
        assertEquals("{\"op\":\"ack\",\"id\":-9223372036854775808,\"status\":\"ok\"}", ackFor("-9223372036854775808"));
        assertEquals("{\"op\":\"ack\",\"id\":0,\"status\":\"ok\"}", ackFor("-0"));
        assertNull(((Protocol.Send) Protocol.parse("{\"op\":\"send\",\"to\":2,\"data\":1,\"id\":null}")).id());
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"send\",\"to\":1,\"data\":1,\"id\":1.0}"));
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"send\",\"to\":1,\"data\":1,\"id\":[1]}"));
    }

    @Test
    void aFieldSentTwiceKeepsItsLastValueAndEveryFieldIsChecked() throws Exception {
        assertInstanceOf(Protocol.Ping.class, Protocol.parse("{\"op\":\"send\",\"op\":\"ping\"}"));
        assertEquals("[2]", ((Protocol.Send) Protocol.parse("{\"op\":\"send\",\"to\":2,\"data\":1,\"data\":[2]}")).data());
        assertEquals(ErrorCode.BAD_FIELD, codeOf("{\"op\":\"send\",\"to\":2,\"to\":\"2\",\"data\":1}"));
        assertInstanceOf(Protocol.Ping.class, Protocol.parse("{\"op\":\"ping\",\"x\":[1,{\"y\":{\"op\":2}}],\"z\":1e400}"));
        assertEquals(ErrorCode.BAD_JSON, codeOf("{\"op\":\"ping\",\"x\":[1,{\"y\":}]}"), "an unread field is still parsed");
        assertEquals(ErrorCode.BAD_JSON, codeOf("{\"op\":\"ping\",\"to\":[1,"));
        assertNull(((Protocol.Login) Protocol.parse("{\"op\":\"login\",\"uid\":1,\"token\":null}")).token());
        assertEquals("t", ((Protocol.Login) Protocol.parse("{\"op\":\"login\",\"uid\":1,\"token\":\"t\"}")).token());
    }

    @Test
    void aBadUserIdInAnArrayIsNamedByItsIndex() throws Exception {
        for (String bad : List.of("{\"a\":1}", "-3", "0", "9223372036854775808", "2.0", "null", "[4]")) {
            Protocol.BadInput e = assertThrows(Protocol.BadInput.class,
                    () -> Protocol.parse("{\"op\":\"multicast\",\"to\":[1," + bad + ",-1],\"data\":1}"), bad);
            assertEquals(ErrorCode.BAD_FIELD, e.code());
            assertTrue(e.getMessage().startsWith("\"to[1]\""), e.getMessage());
        }
        long[] many = ((Protocol.Multicast) Protocol.parse("{\"op\":\"multicast\",\"to\":[9,8,7,6,5,4,3,2,1,9223372036854775807],\"data\":1}")).to();
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, Long.MAX_VALUE}, many);
    }

    @Test
    void aPushNamesExactlyOneOfToAndAll() throws Exception {
        assertArrayEquals(new long[] {1}, Protocol.parsePush("{\"all\":false,\"to\":[1],\"data\":1}").to());
        assertEquals(ErrorCode.BAD_FIELD, assertThrows(Protocol.BadInput.class,
                () -> Protocol.parsePush("{\"to\":null,\"data\":1}")).code());
        for (String body : List.of("{\"all\":true,\"to\":null,\"data\":1}", "{\"all\":\"yes\",\"data\":1}",
                "{\"all\":null,\"to\":[1],\"data\":1}", "{\"data\":1}")) {
            assertEquals(ErrorCode.BAD_REQUEST, assertThrows(Protocol.BadInput.class, () -> Protocol.parsePush(body), body).code());
        }
        assertEquals(ErrorCode.BAD_FIELD, assertThrows(Protocol.BadInput.class,
                () -> Protocol.parsePush("{\"all\":true}")).code(), "data is checked first");
    }
}
