package lockfree.common;

/** Placeholder: the command line is being written. */
public final class GatewayMain {
    private GatewayMain() {
    }

    /** Parses {@code args}, runs the gateway for {@code stage} until SIGTERM, returns the exit code. */
    public static int run(Stage stage, String... args) {
        throw new UnsupportedOperationException("not yet");
    }
}
