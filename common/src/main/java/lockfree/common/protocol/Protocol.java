package lockfree.common.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The wire protocol of docs/PROTOCOL.md: parsing client frames and /push bodies, encoding server
 * frames. Pure functions over Jackson; no state, no threads.
 *
 * <p>Jackson's streaming API only (jackson-core), not its object mapper: a frame is read in one
 * pass over its tokens, keeping just what the checks below look at, instead of building a tree per
 * field; and the gateway jars leave out jackson-databind and its annotations, one of the
 * largest libraries they carried (parent pom, shade plugin; GatewayJarIT bounds the jars' size).
 */
public final class Protocol {
    /** Longest JSON field name read, in characters (Jackson's own default, named here so the docs can state it). */
    public static final int MAX_NAME_LENGTH = 50_000;
    /** Deepest nesting of arrays and objects read, the frame's own object included. */
    public static final int MAX_NESTING = 1000;
    /** Longest number read, in characters. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    /*
     * Jackson's defaults, spelled out: a client can reach each of them within --max-frame, and
     * docs/PROTOCOL.md ("Limits and abuse") promises these numbers, whatever a Jackson upgrade
     * changes its defaults to. Strings are bounded by --max-frame before Jackson sees them.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNameLength(MAX_NAME_LENGTH)
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            .build();

    private Protocol() {
    }

    /** A client frame that parsed. */
    public sealed interface Op permits Login, Send, Multicast, Broadcast, Ping {
    }

    public record Login(long uid, String token) implements Op {
    }

    /** {@code data} is the JSON text of the client's value exactly as it was sent (see {@link #msg}). */
    public record Send(long to, String data, Id id) implements Op {
    }

    public record Multicast(long[] to, String data, Id id) implements Op {
    }

    public record Broadcast(String data, Id id) implements Op {
    }

    /**
     * A request's {@code id}, echoed in its ack: a string ({@code text}) or an integer of any size
     * ({@code number}: Integer, Long or BigInteger, as Jackson read it), exactly one of them.
     */
    public record Id(String text, Number number) {
        public String asText() {
            return text != null ? text : number.toString();
        }

        void write(JsonGenerator g) throws IOException {
            if (text != null) {
                g.writeString(text);
            } else if (number instanceof BigInteger big) {
                g.writeNumber(big);
            } else {
                g.writeNumber(number.longValue());
            }
        }
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
        Value op = node.op;
        if (op == null || op.token != JsonToken.VALUE_STRING) {
            throw new BadInput(ErrorCode.UNKNOWN_OP, "every frame needs a string \"op\"");
        }
        switch (op.text) {
            case "login": {
                Value token = node.token;
                if (token != null && token.token != JsonToken.VALUE_STRING && token.token != JsonToken.VALUE_NULL) {
                    throw new BadInput(ErrorCode.BAD_FIELD, "\"token\" must be a string");
                }
                return new Login(uidValue(node.uid, "uid"), token == null ? null : token.text);
            }
            case "send":
                return new Send(uidValue(node.to, "to"), data(node), id(node));
            case "multicast":
                return new Multicast(uids(node.to, "to"), data(node), id(node));
            case "broadcast":
                return new Broadcast(data(node), id(node));
            case "ping":
                return new Ping();
            default:
                throw new BadInput(ErrorCode.UNKNOWN_OP, "unknown op \"" + abbreviate(op.text) + '"');
        }
    }

    /** Parses a POST /push body. */
    public static Push parsePush(String body) throws BadInput {
        Parsed node = readObject(body);
        String data = data(node);
        Value all = node.all;
        Value to = node.to;
        if (all != null && all.token == JsonToken.VALUE_TRUE && to == null) {
            return new Push(null, true, data);
        }
        if (to != null && (all == null || all.token == JsonToken.VALUE_FALSE)) {
            return new Push(uids(to, "to"), false, data);
        }
        throw new BadInput(ErrorCode.BAD_REQUEST, "a push needs exactly one of \"to\":[uid,...] or \"all\":true");
    }

    /**
     * The fields of a client's JSON object that the checks read (null: absent), and {@code data}
     * as the exact text that was sent. A parsed number would normalise it: Jackson reads
     * {@code 1e400} as a double (Infinity) and {@code 1.00000000000000000001} as 1.0, and a
     * gateway must not change what it only forwards. The text is still parsed, so it is valid
     * JSON. Any other field is parsed and skipped; a field sent twice keeps its last value.
     */
    private static final class Parsed {
        Value op, uid, token, to, id, all;
        String data;
    }

    /**
     * One field's value, as much of it as a check reads: its first token, a string's text, an
     * integer's value, and for an array of user ids its elements (0 where an element is not a
     * positive 64-bit integer) with the index of the first such element (-1: none).
     */
    private record Value(JsonToken token, String text, Number number, long[] uids, int firstBad) {
        /** Reads the value at the parser's current token and moves to its last token. */
        static Value read(JsonParser p) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                return new Value(t, p.getText(), null, null, -1);
            }
            if (t == JsonToken.VALUE_NUMBER_INT) {
                return new Value(t, null, p.getNumberValue(), null, -1);
            }
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                return new Value(t, null, null, null, -1);
            }
            long[] uids = new long[8];
            int n = 0;
            int firstBad = -1;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                long uid = p.currentToken() == JsonToken.VALUE_NUMBER_INT ? positive(p.getNumberValue()) : 0;
                if (uid == 0 && firstBad < 0) {
                    firstBad = n;
                }
                p.skipChildren();
                if (n == uids.length) {
                    uids = Arrays.copyOf(uids, 2 * n);
                }
                uids[n++] = uid;
            }
            return new Value(t, null, null, Arrays.copyOf(uids, n), firstBad);
        }

        /** The integer if it is a positive 64-bit one, else 0. */
        private static long positive(Number n) {
            if (n instanceof BigInteger big && big.bitLength() > 63) {
                return 0;
            }
            return Math.max(n.longValue(), 0);
        }
    }

    private static Parsed readObject(String text) throws BadInput {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInput(ErrorCode.BAD_JSON, "expected a JSON object");
            }
            Parsed fields = new Parsed();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "data": {
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        if (value.isStructStart()) {
                            p.skipChildren();
                        } else {
                            p.finishToken(); // a string is read lazily; this moves past its closing quote
                        }
                        fields.data = text.substring(start, (int) p.currentLocation().getCharOffset());
                        break;
                    }
                    case "op": fields.op = Value.read(p); break;
                    case "uid": fields.uid = Value.read(p); break;
                    case "token": fields.token = Value.read(p); break;
                    case "to": fields.to = Value.read(p); break;
                    case "id": fields.id = Value.read(p); break;
                    case "all": fields.all = Value.read(p); break;
                    default: p.skipChildren();
                }
            }
            return fields;
        } catch (JsonProcessingException e) {
            throw new BadInput(ErrorCode.BAD_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source cannot fail to read
        }
    }

    private static long uidValue(Value n, String field) throws BadInput {
        long uid = n == null || n.token != JsonToken.VALUE_NUMBER_INT ? 0 : Value.positive(n.number);
        if (uid == 0) {
            throw new BadInput(ErrorCode.BAD_FIELD, '"' + field + "\" must be a positive 64-bit integer user id");
        }
        return uid;
    }

    /** A non-empty array of uids, duplicates removed: one user gets one copy. */
    private static long[] uids(Value n, String field) throws BadInput {
        if (n == null || n.token != JsonToken.START_ARRAY || n.uids.length == 0) {
            throw new BadInput(ErrorCode.BAD_FIELD, '"' + field + "\" must be a non-empty array of user ids");
        }
        if (n.firstBad >= 0) {
            throw new BadInput(ErrorCode.BAD_FIELD, '"' + field + '[' + n.firstBad + "]\" must be a positive 64-bit integer user id");
        }
        return Arrays.stream(n.uids).sorted().distinct().toArray();
    }

    private static String data(Parsed parent) throws BadInput {
        String data = parent.data;
        if (data == null) {
            throw new BadInput(ErrorCode.BAD_FIELD, "\"data\" is required (any JSON value)");
        }
        return data;
    }

    private static Id id(Parsed parent) throws BadInput {
        Value id = parent.id;
        if (id == null || id.token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (id.token != JsonToken.VALUE_STRING && id.token != JsonToken.VALUE_NUMBER_INT) {
            throw new BadInput(ErrorCode.BAD_FIELD, "\"id\" must be a string or an integer");
        }
        return new Id(id.text, id.number);
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
    public static ByteBuf ack(ByteBufAllocator alloc, Id id, String status, int delivered) {
        return encode(alloc, g -> {
            g.writeStringField("op", "ack");
            g.writeFieldName("id");
            id.write(g);
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
