package lockfree.common.testkit;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes docs/dashboard.png: opens the dashboard of a running gateway in headless Chromium, puts a
 * bounded load on the gateway from this JVM (users that log in and send to random other users,
 * plus a broadcast now and then), and screenshots the page while the load runs. Not a test; the
 * stress tool is the real load generator. Loopback only, bounded in users, rate and time.
 *
 * <pre>
 * java -jar stage0-rwlock/target/stage0-rwlock-gateway.jar --port 18080 &amp;
 * java -cp "testkit/target/classes:common/target/classes:$(cat cp.txt)" \
 *     lockfree.common.testkit.DashboardScreenshot 18080 2000 3000 25 docs/dashboard.png
 * </pre>
 * Arguments: port, users, messages per second in all, seconds of load, output file.
 */
public final class DashboardScreenshot {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int users = Math.min(5000, Integer.parseInt(args[1]));
        int perSecond = Math.min(20_000, Integer.parseInt(args[2]));
        int seconds = Math.min(120, Integer.parseInt(args[3]));
        Path out = Path.of(args[4]);
        URI ws = URI.create("ws://127.0.0.1:" + port + "/ws");

        try (Chromium chromium = Chromium.launch(1600, 1400)) {
            ChromeDriver page = chromium.driver();
            page.get("http://127.0.0.1:" + port + "/");
            List<WsTestClient> clients = new ArrayList<>(users);
            try {
                for (int uid = 1; uid <= users; uid++) {
                    WsTestClient c = WsTestClient.connect(ws);
                    c.send("{\"op\":\"login\",\"uid\":" + uid + "}");
                    clients.add(c);
                }
                long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                long next = System.nanoTime();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long n = 0; System.nanoTime() < end; n++) {
                    WsTestClient from = clients.get(random.nextInt(users));
                    if (n % 5000 == 4999) {
                        from.sendRaw(new TextWebSocketFrame("{\"op\":\"broadcast\",\"data\":\"notice " + n + "\"}"));
                        clients.forEach(WsTestClient::drain); // keep this JVM's memory flat
                    } else {
                        from.sendRaw(new TextWebSocketFrame(
                                "{\"op\":\"send\",\"to\":" + (1 + random.nextInt(users)) + ",\"data\":" + n + "}"));
                    }
                    next += intervalNanos;
                    LockSupport.parkNanos(next - System.nanoTime()); // pacing, not waiting for a result
                }
                Path shot = page.getScreenshotAs(OutputType.FILE).toPath();
                Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
                System.out.println("wrote " + out);
            } finally {
                clients.forEach(WsTestClient::close);
            }
        }
    }
}
