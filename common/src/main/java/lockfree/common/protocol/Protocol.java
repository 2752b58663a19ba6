package lockfree.common.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The wire protocol of docs/PROTOCOL.md: parsing client frames and /push bodies, encoding server
 * frames. Pure functions over Jackson; no state, no threads.
 */
public final class Protocol {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private Protocol() {
    }

    /** A client frame that parsed. */
    public sealed interface Op permits Login, Send, Multicast, Broadcast, Ping {
    }

    public record Login(long uid, String token) implements Op {
    }

    /** {@code data} is the JSON text of the client's value exactly as it was sent (see {@link #msg}). */
    public record Send(long to, String data, JsonNode id) implements Op {
    }

    public record Multicast(long[] to, String data, JsonNode id) implements Op {
    }

    public record Broadcast(String data, JsonNode id) implements Op {
    }

    public record Ping() implements Op {
    }

    /** A POST /push body: either {@code to} (non-null) or {@code all}. */
    public record Push(long[] to, boolean all, String data) {
    }

    /** Bad input, with the code the client will see. */
    public static final class BadInput extends Exception {
        private final ErrorCode code;

        BadInput(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    /** Parses one client text frame. */
    public static Op parse(String text) throws BadInput {
        Parsed node = readObject(text);
        JsonNode op = node.get("op");
        if (op == null || !op.isTextual()) {
            throw new BadInput(ErrorCode.UNKNOWN_OP, "every frame needs a string \"op\"");
        }
        switch (op.textValue()) {
            case "login": {
                JsonNode token = node.get("token");
                if (token != null && !token.isTextual() && !token.isNull()) {
                    throw new BadInput(ErrorCode.BAD_FIELD, "\"token\" must be a string");
                }
                return new Login(uid(node, "uid"), token == null || token.isNull() ? null : token.textValue());
            }
            case "send":
                return new Send(uid(node, "to"), data(node), id(node));
            case "multicast":
                return new Multicast(uids(node.get("to"), "to"), data(node), id(node));
            case "broadcast":
                return new Broadcast(data(node), id(node));
            case "ping":
                return new Ping();
            default:
                throw new BadInput(ErrorCode.UNKNOWN_OP, "unknown op \"" + abbreviate(op.textValue()) + '"');
        }
    }

    /** Parses a POST /push body. */
    public static Push parsePush(String body) throws BadInput {
        Parsed node = readObject(body);
        String data = data(node);
        JsonNode all = node.get("all");
        JsonNode to = node.get("to");
        if (all != null && all.isBoolean() && all.booleanValue() && to == null) {
            return new Push(null, true, data);
        }
        if (to != null && (all == null || (all.isBoolean() && !all.booleanValue()))) {
            return new Push(uids(to, "to"), false, data);
        }
        throw new BadInput(ErrorCode.BAD_REQUEST, "a push needs exactly one of \"to\":[uid,...] or \"all\":true");
    }

    /**
     * A client's JSON object: its fields as trees, except {@code data}, which is kept as the exact
     * text that was sent. A tree would normalise it: Jackson reads {@code 1e400} as a double
     * (Infinity) and {@code 1.00000000000000000001} as 1.0, and a gateway must not change what it
     * only forwards. The text is still parsed, so it is valid JSON.
     */
    private record Parsed(ObjectNode fields, String data) {
        JsonNode get(String field) {
            return fields.get(field);
        }
    }

    private static Parsed readObject(String text) throws BadInput {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInput(ErrorCode.BAD_JSON, "expected a JSON object");
            }
            ObjectNode fields = JSON.createObjectNode();
            String data = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("data".equals(name)) {
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    if (value.isStructStart()) {
                        p.skipChildren();
                    } else {
                        p.finishToken(); // a string is read lazily; this moves past its closing quote
                    }
                    data = text.substring(start, (int) p.currentLocation().getCharOffset());
                } else {
                    fields.set(name, JSON.readTree(p));
                }
            }
            return new Parsed(fields, data);
        } catch (JsonProcessingException e) {
            throw new BadInput(ErrorCode.BAD_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source cannot fail to read
        }
    }

    private static long uid(Parsed parent, String field) throws BadInput {
        return uidValue(parent.get(field), field);
    }

    private static long uidValue(JsonNode n, String field) throws BadInput {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() <= 0) {
            throw new BadInput(ErrorCode.BAD_FIELD, '"' + field + "\" must be a positive 64-bit integer user id");
        }
        return n.longValue();
    }

    /** A non-empty array of uids, duplicates removed: one user gets one copy. */
    private static long[] uids(JsonNode n, String field) throws BadInput {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw new BadInput(ErrorCode.BAD_FIELD, '"' + field + "\" must be a non-empty array of user ids");
        }
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = uidValue(n.get(i), field + '[' + i + ']');
        }
        return Arrays.stream(out).sorted().distinct().toArray();
    }

    private static String data(Parsed parent) throws BadInput {
        String data = parent.data();
        if (data == null) {
            throw new BadInput(ErrorCode.BAD_FIELD, "\"data\" is required (any JSON value)");
        }
        return data;
    }

    private static JsonNode id(Parsed parent) throws BadInput {
        JsonNode id = parent.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual() && !id.isIntegralNumber()) {
            throw new BadInput(ErrorCode.BAD_FIELD, "\"id\" must be a string or an integer");
        }
        return id;
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }

    // ---- server frames -------------------------------------------------------------------

    /**
     * {@code {"op":"msg","from":..,"data":..}}: encoded once, then shared by every recipient.
     * {@code data} is JSON text that {@link #parse} or {@link #parsePush} checked; it is copied as
     * it is, so every recipient reads the very value the sender wrote.
     */
    public static ByteBuf msg(ByteBufAllocator alloc, long from, String data) {
        return encode(alloc, g -> {
            g.writeStringField("op", "msg");
            g.writeNumberField("from", from);
            g.writeFieldName("data");
            g.writeRawValue(data);
        });
    }

    public static ByteBuf loginOk(ByteBufAllocator alloc, long uid, long sid) {
        return encode(alloc, g -> {
            g.writeStringField("op", "login_ok");
            g.writeNumberField("uid", uid);
            g.writeStringField("sid", Long.toString(sid));
        });
    }

    /** An ack; {@code delivered} is written for multicast and broadcast (it is -1 otherwise). */
    public static ByteBuf ack(ByteBufAllocator alloc, JsonNode id, String status, int delivered) {
        return encode(alloc, g -> {
            g.writeStringField("op", "ack");
            g.writeFieldName("id");
            g.writeTree(id);
            g.writeStringField("status", status);
            if (delivered >= 0) {
                g.writeNumberField("delivered", delivered);
            }
        });
    }

    public static ByteBuf error(ByteBufAllocator alloc, ErrorCode code, String message) {
        return encode(alloc, g -> {
            g.writeStringField("op", "error");
            g.writeStringField("code", code.wire());
            g.writeStringField("msg", message);
        });
    }

    public static ByteBuf kicked(ByteBufAllocator alloc) {
        return encode(alloc, g -> {
            g.writeStringField("op", "kicked");
            g.writeStringField("reason", "login_elsewhere");
        });
    }

    public static ByteBuf pong(ByteBufAllocator alloc) {
        return encode(alloc, g -> g.writeStringField("op", "pong"));
    }

    /** A JSON object as a String, for HTTP bodies. */
    public static String object(Fields fields) {
        StringBuilder sb = new StringBuilder(128);
        try (JsonGenerator g = FACTORY.createGenerator(new java.io.Writer() {
            @Override public void write(char[] c, int off, int len) { sb.append(c, off, len); }
            @Override public void flush() { }
            @Override public void close() { }
        })) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    @FunctionalInterface
    public interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static ByteBuf encode(ByteBufAllocator alloc, Fields fields) {
        ByteBuf buf = alloc.buffer(128);
        try (JsonGenerator g = FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf))) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return buf;
    }
}
