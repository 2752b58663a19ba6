package lockfree.common;

/**
 * Machine-readable codes of the {@code error} frame (and of HTTP error bodies), as documented in
 * docs/PROTOCOL.md. Each one is also a label value of {@code gateway_errors_total}.
 */
public enum ErrorCode {
    /** The frame is not valid JSON, or not a JSON object. */
    BAD_JSON("bad_json"),
    /** "op" is missing or names no operation. */
    UNKNOWN_OP("unknown_op"),
    /** A field is missing or has the wrong type. */
    BAD_FIELD("bad_field"),
    /** send / multicast / broadcast before login. */
    NOT_LOGGED_IN("not_logged_in"),
    /** A second login on the same connection. */
    ALREADY_LOGGED_IN("already_logged_in"),
    /** The connection sent more frames per second than allowed; the frame was dropped. */
    RATE_LIMITED("rate_limited"),
    /** The token is missing, malformed, for another uid, or its signature is wrong (close 1008). */
    AUTH_FAILED("auth_failed"),
    /** The token was valid but has expired (close 1008). */
    TOKEN_EXPIRED("token_expired"),
    /** A message over --max-frame (close 1009). */
    FRAME_TOO_BIG("frame_too_big"),
    /** A binary frame; the protocol is JSON text (close 1003). */
    BINARY_FRAME("binary_frame"),
    /** More connections than --max-connections (HTTP 503). */
    TOO_MANY_CONNECTIONS("too_many_connections"),
    /** No complete HTTP request within --handshake-timeout. */
    HANDSHAKE_TIMEOUT("handshake_timeout"),
    /** Nothing received, not even a pong, for --idle-timeout (close 4002). */
    IDLE_TIMEOUT("idle_timeout"),
    /** POST /push with a body that is not a valid push (HTTP 400). */
    BAD_REQUEST("bad_request"),
    /** POST /push without the right X-Api-Key (HTTP 401). */
    UNAUTHORIZED("unauthorized"),
    /** An HTTP path or method the gateway does not serve (404 / 405). */
    NOT_FOUND("not_found");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as it appears on the wire and in metrics. */
    public String wire() {
        return wire;
    }
}
