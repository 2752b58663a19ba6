package lockfree.common.protocol;

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
    NOT_FOUND("not_found"),
    /** A WebSocket handshake that is not RFC 6455 version 13 (HTTP 426). */
    UNSUPPORTED_VERSION("unsupported_version"),
    /** A browser Origin not on the allow-list, on /ws or POST /push (HTTP 403). */
    FORBIDDEN_ORIGIN("forbidden_origin"),
    /** POST /push whose Content-Type is not application/json (HTTP 415). */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
    /** An HTTP request line over the limit (HTTP 414). */
    URI_TOO_LONG("uri_too_long"),
    /** HTTP headers over the limit (HTTP 431). */
    HEADERS_TOO_LARGE("headers_too_large"),
    /**
     * An HTTP request that does not parse, or that RFC 9112 tells a server to refuse (HTTP 400; 413
     * for a chunk line over the limit, 501 for a transfer coding other than chunked).
     */
    BAD_HTTP("bad_http"),
    /** No login within --login-timeout of the handshake (close 4003). */
    LOGIN_TIMEOUT("login_timeout"),
    /** A frame that breaks RFC 6455, e.g. a close frame with an invalid code (close 1002). */
    PROTOCOL_ERROR("protocol_error"),
    /** The client did not read: its output stayed over the high-water mark, or passed the budget (4001). */
    NOT_READING("not_reading");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as it appears on the wire and in metrics. */
    public String wire() {
        return wire;
    }
}
