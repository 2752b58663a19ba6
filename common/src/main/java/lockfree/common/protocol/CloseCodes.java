package lockfree.common.protocol;

/** WebSocket close codes the gateway sends (docs/PROTOCOL.md lists them for client authors). */
public final class CloseCodes {
    private CloseCodes() {
    }

    /** RFC 6455: the server is shutting down (SIGTERM). */
    public static final int GOING_AWAY = 1001;
    /** RFC 6455: protocol error, e.g. a close frame with a code RFC 6455 does not allow. */
    public static final int PROTOCOL_ERROR = 1002;
    /** RFC 6455: a binary frame; this protocol speaks JSON text. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** RFC 6455: policy violation; used for a bad or expired token. */
    public static final int POLICY_VIOLATION = 1008;
    /** RFC 6455: a message larger than --max-frame. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** Application: the same uid logged in on another connection. */
    public static final int KICKED = 4000;
    /**
     * Application: the client does not read. Its send queue stayed full for
     * --slow-consumer-timeout, or in that time after reading it stopped, it took less than the
     * high-water mark of its waiting output (see OutboundBudget).
     */
    public static final int SLOW_CONSUMER = 4001;
    /** Application: nothing received (not even a pong) for --idle-timeout. */
    public static final int IDLE_TIMEOUT = 4002;
    /** Application: no login within --login-timeout of the handshake. */
    public static final int LOGIN_TIMEOUT = 4003;
}
