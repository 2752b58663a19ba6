package lockfree.common.cli;

import lockfree.common.contract.Stage;
import lockfree.common.protocol.Tokens;
import lockfree.common.transport.Gateway;
import lockfree.common.transport.GatewayConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line every stage's {@code main} hands over to: {@code serve} (the default) runs the
 * gateway until SIGTERM; {@code token} mints a login token for a uid.
 */
public final class GatewayMain {
    private GatewayMain() {
    }

    /** Parses {@code args}, runs the gateway for {@code stage} until SIGTERM, returns the exit code. */
    public static int run(Stage stage, String... args) {
        defaultLogging();
        CommandLine cli = new CommandLine(new Serve(stage))
                .addSubcommand("token", new MintToken())
                .registerConverter(Duration.class, GatewayMain::parseDuration)
                .registerConverter(InetAddress.class, InetAddress::getByName)
                .setCaseInsensitiveEnumValuesAllowed(true);
        cli.setCommandName("java -jar " + stage.name() + "/target/" + stage.name() + "-gateway.jar");
        return cli.execute(args);
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Runs the WebSocket push gateway: ws://BIND:PORT/ws, POST /push, GET /metrics, GET /health.",
                    "Durations: 500ms, 10s, 2m. Secrets may come from the environment instead of the command line."},
            footer = {"", "Mint a login token (when --secret is set):  ... token --uid 42 --ttl 1h"})
    static final class Serve implements Callable<Integer> {
        private final Stage stage;

        Serve(Stage stage) {
            this.stage = stage;
        }

        @Option(names = "--port", defaultValue = "${env:GATEWAY_PORT:-8080}",
                description = "TCP port (0 = any free port; env GATEWAY_PORT). Default: 8080")
        int port;

        @Option(names = "--bind", defaultValue = "127.0.0.1",
                description = "Address to listen on. Without a secret only loopback is allowed. Default: ${DEFAULT-VALUE}")
        InetAddress bind;

        @Option(names = "--secret", defaultValue = "${env:GATEWAY_SECRET}",
                description = "HMAC secret for login tokens (env GATEWAY_SECRET). Without it any uid may log in.")
        String secret;

        @Option(names = "--api-key", defaultValue = "${env:GATEWAY_API_KEY}",
                description = "Required X-Api-Key header on POST /push (env GATEWAY_API_KEY). Default: none")
        String apiKey;

        @Option(names = "--max-connections", defaultValue = "10000",
                description = "Connections beyond this are answered 503. Default: ${DEFAULT-VALUE}")
        int maxConnections;

        @Option(names = "--queue-capacity", defaultValue = "1024",
                description = "Per-session send queue capacity. Default: ${DEFAULT-VALUE}")
        int queueCapacity;

        @Option(names = "--idle-timeout", defaultValue = "60s",
                description = "Close a connection silent this long (pings are sent at half of it). Default: ${DEFAULT-VALUE}")
        Duration idleTimeout;

        @Option(names = "--handshake-timeout", defaultValue = "10s",
                description = "Close a connection that has not completed its WebSocket handshake this long after it opened"
                        + " (plain HTTP connections are closed then too). Default: ${DEFAULT-VALUE}")
        Duration handshakeTimeout;

        @Option(names = "--login-timeout", defaultValue = "10s",
                description = "Close a WebSocket that has not logged in this long after its handshake. Default: ${DEFAULT-VALUE}")
        Duration loginTimeout;

        @Option(names = "--allowed-origin", paramLabel = "ORIGIN",
                description = "A browser Origin (scheme://host[:port], or *) allowed to open /ws and POST /push;"
                        + " repeatable. Always allowed: the gateway's own page; without --secret also loopback origins.")
        List<String> allowedOrigins = new ArrayList<>();

        @Option(names = "--max-frame", defaultValue = "65536",
                description = "Largest WebSocket message and /push body, in bytes. Default: ${DEFAULT-VALUE}")
        int maxFrame;

        @Option(names = "--rate-limit", defaultValue = "1000",
                description = "Frames per second one connection may send. Default: ${DEFAULT-VALUE}")
        int rateLimit;

        @Option(names = "--slow-consumer-timeout", defaultValue = "5s",
                description = "Close a session whose send queue stays full this long. Default: ${DEFAULT-VALUE}")
        Duration slowConsumerTimeout;

        @Option(names = "--shutdown-timeout", defaultValue = "5s",
                description = "How long SIGTERM waits for queues to flush. Default: ${DEFAULT-VALUE}")
        Duration shutdownTimeout;

        @Option(names = "--fd-reserve", defaultValue = "64",
                description = "File descriptors kept free below the open-files limit; accept pauses there. Default: ${DEFAULT-VALUE}")
        int fdReserve;

        @Option(names = "--io-threads", defaultValue = "0",
                description = "Event loop threads (0 = 2 x cores). Default: ${DEFAULT-VALUE}")
        int ioThreads;

        @Option(names = "--redis", defaultValue = "${env:GATEWAY_REDIS}",
                description = "redis://host:port (one Redis) or redis-cluster://host:port[,host:port...] (a Redis Cluster):"
                        + " join a cluster of gateways through Redis Pub/Sub (env GATEWAY_REDIS)."
                        + " Default: none, this node delivers only to its own users")
        URI redis;

        @Override
        public Integer call() throws Exception {
            GatewayConfig config;
            Gateway gateway;
            try {
                config = new GatewayConfig(bind, port, secret, apiKey, maxConnections, queueCapacity, idleTimeout,
                        handshakeTimeout, maxFrame, rateLimit, slowConsumerTimeout, shutdownTimeout, fdReserve, ioThreads, redis,
                        loginTimeout, allowedOrigins);
                gateway = Gateway.start(stage, config);
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                if (!portInUse(e)) {
                    throw e;
                }
                System.err.println("error: port " + port + " on " + bind.getHostAddress() + " is in use"
                        + " (is a gateway still running?); stop it, or choose another port with --port");
                return 1;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(gateway::stop, "gateway-shutdown"));
            banner(System.out, gateway);
            gateway.awaitStop();
            return 0;
        }
    }

    /**
     * Whether the listener could not bind because the port is taken. Netty rethrows the socket's
     * exception as it was: a {@link BindException} on NIO, an {@link IOException} with the OS's
     * message on epoll.
     */
    static boolean portInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t instanceof IOException && String.valueOf(t.getMessage()).contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Prints a login token for a uid, signed with the gateway's secret.")
    static final class MintToken implements Callable<Integer> {
        @Option(names = "--uid", required = true, description = "The user id the token is for.")
        long uid;

        @Option(names = "--ttl", defaultValue = "1h", description = "How long the token is valid. Default: ${DEFAULT-VALUE}")
        Duration ttl;

        @Option(names = "--secret", defaultValue = "${env:GATEWAY_SECRET}", description = "The secret (env GATEWAY_SECRET).")
        String secret;

        @Override
        public Integer call() {
            if (secret == null || secret.isEmpty()) {
                System.err.println("error: give --secret or set GATEWAY_SECRET");
                return 2;
            }
            if (uid <= 0) {
                System.err.println("error: user ids are positive");
                return 2;
            }
            System.out.println(new Tokens(secret).mint(uid, Instant.now().plus(ttl).getEpochSecond()));
            return 0;
        }
    }

    private static void banner(PrintStream out, Gateway g) {
        String host = g.address().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = '[' + host + ']';
        }
        String base = host + ':' + g.port();
        GatewayConfig c = g.config();
        out.println();
        out.println(g.stage().name() + ": " + g.stage().title());
        out.println("  listening  http://" + base + "  (" + (g.epoll() ? "epoll" : "NIO") + ", queue capacity "
                + c.queueCapacity() + ", max connections " + c.maxConnections() + ")");
        out.println("  websocket  ws://" + base + "/ws   then send {\"op\":\"login\",\"uid\":1"
                + (c.secret() == null ? "" : ",\"token\":\"...\"") + '}');
        out.println("  push       curl -X POST http://" + base + "/push -H 'Content-Type: application/json'"
                + " -d '{\"to\":[1],\"data\":\"hello\"}'"
                + (c.apiKey() == null ? "" : " -H 'X-Api-Key: ...'"));
        out.println("  metrics    http://" + base + "/metrics    health: http://" + base + "/health");
        out.println("  auth       " + (c.secret() == null
                ? "NONE: any uid may log in, so the gateway listens on loopback only (set --secret for tokens)"
                : "HMAC tokens required (mint one: ... token --uid 42)"));
        out.println("  router     " + (c.redis() == null ? "local (this node only; --redis redis://host:port joins a cluster)"
                : "redis " + c.redis() + (g.router().isUp() ? "" : "  (not reachable yet: retrying, local delivery works)")));
        out.println("Ctrl-C (SIGTERM) stops it: queues are flushed and sessions closed with 1001.");
        out.flush();
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("not a duration: '" + text + "' (try 500ms, 10s, 2m, 1h)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** Readable console logs unless the user configured slf4j-simple otherwise. */
    private static void defaultLogging() {
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
