package lockfree.common.cli;

import lockfree.common.testkit.SynchronizedStage;
import lockfree.common.transport.GatewayConfig;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GatewayMainTest {
    @Test
    void durationsTakeTheUnitsTheHelpPromises() {
        assertEquals(Duration.ofMillis(500), GatewayMain.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(10), GatewayMain.parseDuration("10s"));
        assertEquals(Duration.ofSeconds(10), GatewayMain.parseDuration("10"));
        assertEquals(Duration.ofMinutes(2), GatewayMain.parseDuration(" 2m "));
        assertEquals(Duration.ofHours(1), GatewayMain.parseDuration("1H"));
        assertThrows(CommandLine.TypeConversionException.class, () -> GatewayMain.parseDuration("soon"));
        assertThrows(CommandLine.TypeConversionException.class, () -> GatewayMain.parseDuration("-5s"));
    }

    @Test
    void configRefusesNonsense() {
        GatewayConfig d = GatewayConfig.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withPort(70000));
        assertThrows(IllegalArgumentException.class, () -> d.withQueueCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> d.withIdleTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxConnections(0));
        assertEquals(null, d.withSecret("").secret(), "an empty secret means no secret");
        assertThrows(IllegalArgumentException.class, () -> d.withLoginTimeout(Duration.ZERO));
        assertEquals(java.util.List.of(), d.withAllowedOrigins(null).allowedOrigins(), "no list means no extra origins");
    }

    @Test
    void aPortInUseIsOneLineNamingThePortAndTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            PrintStream err = System.err;
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            int exit;
            System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
            try {
                exit = GatewayMain.run(SynchronizedStage.STAGE, "--port", String.valueOf(port));
            } finally {
                System.setErr(err);
            }
            String text = said.toString(StandardCharsets.UTF_8);
            assertEquals(1, exit, text);
            assertEquals("error: port " + port + " on 127.0.0.1 is in use (is a gateway still running?);"
                    + " stop it, or choose another port with --port\n", text.replace("\r", ""));
        }
    }
}
