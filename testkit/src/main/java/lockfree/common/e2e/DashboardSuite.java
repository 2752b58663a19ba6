package lockfree.common.e2e;

import lockfree.common.transport.GatewayConfig;
import lockfree.common.contract.Stage;
import lockfree.common.testkit.Patience;
import lockfree.common.testkit.Chromium;
import lockfree.common.testkit.Http;
import lockfree.common.testkit.WsTestClient;
import lockfree.common.transport.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The page every gateway serves at {@code GET /}: its files over plain HTTP, then the page itself
 * in a real headless Chromium (skipped without one, see {@link Chromium}). A stage runs it with
 * <pre>
 * class Stage0DashboardTest extends DashboardSuite {
 *     &#64;Override protected Stage stage() { return Stage0Main.STAGE; }
 * }
 * </pre>
 * One browser serves the whole class (starting Chromium is the slow part); each test gets its own
 * gateway, so counts on the dashboard start from zero.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DashboardSuite {
    private static final Duration WAIT = Patience.seconds(10);

    private Chromium chromium;
    private Gateway gateway;
    private final List<WsTestClient> clients = new ArrayList<>();

    protected abstract Stage stage();

    @BeforeEach
    void startGateway() {
        gateway = Gateway.start(stage(), GatewayConfig.defaults().withPort(0).withShutdownTimeout(Duration.ofSeconds(2)));
    }

    @AfterEach
    void stopGateway() {
        clients.forEach(WsTestClient::close);
        clients.clear();
        if (chromium != null) {
            closeExtraTabs(chromium.driver());
        }
        gateway.stop();
    }

    @AfterAll
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    // ---- the files, over HTTP ------------------------------------------------------------

    @Test
    @DisplayName("GET / is the page; its scripts and the charting library come from the classpath")
    void pageAndItsFilesAreServed() {
        Http.Response page = Http.get(url("/"));
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.header("content-type"));
        assertEquals("no-cache", page.header("cache-control"));
        assertEquals("nosniff", page.header("x-content-type-options"));

        Matcher lib = Pattern.compile("src=\"(/webjars/uplot/[0-9.]+/dist/uPlot\\.iife\\.min\\.js)\"").matcher(page.body());
        assertTrue(lib.find(), "the page loads uPlot from its WebJar by version: " + page.body());
        Http.Response uplot = Http.get(url(lib.group(1)));
        assertEquals(200, uplot.status());
        assertEquals("text/javascript; charset=utf-8", uplot.header("content-type"));
        assertTrue(uplot.header("cache-control").contains("immutable"), uplot.header("cache-control"));
        assertTrue(uplot.body().contains("uPlot"));

        for (String file : List.of("/client.js", "/dashboard.js")) {
            Http.Response js = Http.get(url(file));
            assertEquals(200, js.status(), file);
            assertEquals("text/javascript; charset=utf-8", js.header("content-type"), file);
            assertTrue(page.body().contains("src=\"" + file + "\""), "the page loads " + file);
        }
        assertEquals("text/css; charset=utf-8", Http.get(url("/style.css")).header("content-type"));
    }

    @Test
    @DisplayName("nothing outside the two classpath prefixes is served: traversal, classes, directories are 404")
    void onlyThePageIsServed() {
        for (String path : List.of("/../pom.xml", "/%2e%2e/%2e%2e/etc/passwd.html", "/..%2fclient.js",
                "/webjars/../lockfree/common/dashboard/client.js", "/webjars/%2e%2e/uplot/x.js",
                "/lockfree/common/transport/Gateway.class", "/META-INF/MANIFEST.MF", "/webjars/uplot/",
                "/client.js/", "//client.js", "/.client.js", "/client.js%00.html", "/client.js\\..\\x.js",
                "/index", "/nothing.js")) {
            assertEquals(404, rawStatus("GET " + path), path);
        }
        assertEquals(404, rawStatus("POST /client.js"), "files are GET only");
    }

    @Test
    @DisplayName("/api/info says which stage, its settings, and whether login needs a token")
    void infoSaysWhetherATokenIsNeeded() {
        String open = Http.get(url("/api/info")).body();
        assertTrue(open.contains("\"stage\":\"" + stage().name() + "\""), open);
        assertTrue(open.contains("\"secret\":false"), open);
        assertTrue(open.contains("\"queueCapacity\":" + gateway.config().queueCapacity()), open);
        try (Gateway withSecret = Gateway.start(stage(), GatewayConfig.defaults().withPort(0).withSecret("s3cret"))) {
            String body = Http.get(URI.create("http://127.0.0.1:" + withSecret.port() + "/api/info")).body();
            assertTrue(body.contains("\"secret\":true"), body);
            assertTrue(!body.contains("s3cret"), "never the secret itself: " + body);
        }
    }

    @Test
    @DisplayName("delivered messages show up in the gateway_delivery_latency_seconds summary")
    void deliveryLatencyIsMeasured() {
        WsTestClient alice = login(1);
        WsTestClient bob = login(2);
        for (int i = 0; i < 20; i++) {
            alice.send("{\"op\":\"send\",\"to\":2,\"data\":" + i + "}");
        }
        bob.awaitMatching(s -> s.contains("\"data\":19"), WAIT);
        // A window closes when /metrics is read at least a second after the previous one.
        eventually("20 deliveries counted", () -> metric("gateway_delivery_latency_seconds_count") >= 20);
        double p50 = metric("gateway_delivery_latency_seconds{quantile=\"0.5\"}");
        double max = metric("gateway_delivery_latency_seconds{quantile=\"1.0\"}");
        assertTrue(p50 > 0 && p50 <= max && max < 60, "p50 " + p50 + " max " + max);
        assertTrue(metric("gateway_delivery_latency_seconds_sum") > 0);
    }

    @Test
    @DisplayName("a broadcast's deliveries (pre-encoded frames) are measured too, one per recipient")
    void broadcastLatencyIsMeasured() {
        WsTestClient alice = login(1);
        WsTestClient bob = login(2);
        double before = metric("gateway_delivery_latency_seconds_count");
        for (int i = 0; i < 10; i++) {
            alice.send("{\"op\":\"broadcast\",\"data\":" + i + "}");
        }
        bob.awaitMatching(s -> s.contains("\"data\":9"), WAIT);
        alice.awaitMatching(s -> s.contains("\"op\":\"msg\"") && s.contains("\"data\":9"), WAIT);
        eventually("20 broadcast deliveries counted", () -> metric("gateway_delivery_latency_seconds_count") >= before + 20);
    }

    // ---- the page, in Chromium -----------------------------------------------------------

    @Test
    @DisplayName("two tabs are two users: a send reaches the other tab, a broadcast reaches both")
    void twoTabsChat() {
        WebDriver browser = browser();
        String alice = openAndLogin(browser, 1);
        String bob = openAndLogin(browser, 2);

        browser.switchTo().window(alice);
        browser.findElement(By.id("to")).sendKeys("2");
        browser.findElement(By.id("data")).sendKeys("{\"text\":\"hello bob\"}");
        browser.findElement(By.id("send")).click();
        awaitLog(browser, "in ack", "\"status\":\"ok\"");

        browser.switchTo().window(bob);
        awaitLog(browser, "in msg", "{\"op\":\"msg\",\"from\":1,\"data\":{\"text\":\"hello bob\"}}");

        browser.findElement(By.id("data")).sendKeys("hi everyone");
        browser.findElement(By.id("broadcast")).click();
        awaitLog(browser, "in msg", "{\"op\":\"msg\",\"from\":2,\"data\":\"hi everyone\"}");
        awaitLog(browser, "in ack", "\"delivered\":2");
        browser.switchTo().window(alice);
        awaitLog(browser, "in msg", "{\"op\":\"msg\",\"from\":2,\"data\":\"hi everyone\"}");
    }

    @Test
    @DisplayName("a newer login of the same uid shows the kick and close code 4000 in the older tab")
    void kickIsShown() {
        WebDriver browser = browser();
        String first = openAndLogin(browser, 7);
        login(7);
        browser.switchTo().window(first);
        awaitLog(browser, "in kicked", "\"reason\":\"login_elsewhere\"");
        awaitLog(browser, "closed", "closed 4000");
        new WebDriverWait(browser, WAIT).until(d -> d.findElement(By.id("login")).isEnabled());
    }

    @Test
    @DisplayName("the dashboard's connection count and message rates follow a client's traffic")
    void dashboardFollowsTheGateway() {
        WebDriver browser = browser();
        browser.get(url("/").toString());
        new WebDriverWait(browser, WAIT).until(d -> "0".equals(value(d, "sessions"))
                && stage().name().equals(d.findElement(By.id("stage")).getText()));

        WsTestClient alice = login(1);
        login(2);
        login(3);
        new WebDriverWait(browser, WAIT).until(d -> "3".equals(value(d, "sessions"))
                && "3".equals(value(d, "users")) && number(d, "connections") >= 3);

        // Keep sending until a one-second rate and the latency summary have caught the traffic.
        new WebDriverWait(browser, WAIT).until(d -> {
            for (int i = 0; i < 20; i++) {
                alice.send("{\"op\":\"multicast\",\"to\":[2,3],\"data\":\"load\"}");
            }
            return number(d, "in-rate") > 0 && number(d, "out-rate") > 0 && number(d, "p99") > 0;
        });
        // The latency chart's decades hold what it plots (p99 in seconds, the chart in ms).
        double p99ms = number(browser, "p99") * 1e3;
        new WebDriverWait(browser, WAIT).until(d -> {
            double[] y = range(d.findElements(By.cssSelector("#charts .chart")).get(2), "data-y-range");
            return y[0] <= p99ms && p99ms <= y[1];
        });
    }

    @Test
    @DisplayName("from the first sample on, the charts show the last five minutes, and the empty latency chart whole decades")
    void chartsHaveSaneAxesBeforeAnyTraffic() {
        WebDriver browser = browser();
        browser.get(url("/").toString());
        // The first scrape has arrived once the connection count shows.
        new WebDriverWait(browser, WAIT).until(d -> !Double.isNaN(number(d, "connections")));
        double now = System.currentTimeMillis() / 1000.0;
        List<WebElement> charts = browser.findElements(By.cssSelector("#charts .chart"));
        assertEquals(3, charts.size());
        for (WebElement chart : charts) {
            double[] x = range(chart, "data-x-range");
            // One sample used to stretch the time axis over years (Feb 2027 to Aug 2029).
            assertEquals(300, x[1] - x[0], 1e-6, "five minutes wide: " + chart.getDomAttribute("data-x-range"));
            assertTrue(Math.abs(x[1] - now) < 60, "ends at the newest sample, about now: " + x[1] + " vs " + now);
        }
        double[] latency = range(charts.get(2), "data-y-range");
        double decades = Math.log10(latency[1] / latency[0]);
        assertTrue(latency[0] > 0 && decades >= 1 && decades <= 6 && Math.abs(decades - Math.rint(decades)) < 1e-9,
                "whole decades on a log scale, not uPlot's guess for no data: " + Arrays.toString(latency));
    }

    // ---- helpers -------------------------------------------------------------------------

    private static double[] range(WebElement chart, String attribute) {
        String r = chart.getDomAttribute(attribute);
        assertTrue(r != null && r.matches("[-0-9.eE+]+,[-0-9.eE+]+"), attribute + " = " + r);
        String[] parts = r.split(",");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }

    private WebDriver browser() {
        if (chromium == null) {
            chromium = Chromium.launch(1400, 1000);
        }
        return chromium.driver();
    }

    /** Opens the page in a new tab, logs in as {@code uid}; returns the tab's handle. */
    private String openAndLogin(WebDriver browser, long uid) {
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(url("/").toString());
        browser.findElement(By.id("uid")).sendKeys(Long.toString(uid));
        browser.findElement(By.id("login")).click();
        new WebDriverWait(browser, WAIT).until(d ->
                d.findElement(By.id("status")).getText().startsWith("logged in as uid " + uid + " "));
        return browser.getWindowHandle();
    }

    /** Waits for a log line of the given class (e.g. "in msg") containing {@code text}. */
    private static void awaitLog(WebDriver browser, String cssClass, String text) {
        By lines = By.cssSelector("#log li." + cssClass.replace(' ', '.'));
        try {
            new WebDriverWait(browser, WAIT).until(d ->
                    d.findElements(lines).stream().anyMatch(li -> li.getText().contains(text)));
        } catch (org.openqa.selenium.TimeoutException e) {
            fail("no log line ." + cssClass + " containing " + text + "; the log shows:\n"
                    + browser.findElement(By.id("log")).getText(), e);
        }
    }

    private static String value(WebDriver d, String id) {
        return d.findElement(By.id(id)).getDomAttribute("data-value");
    }

    private static double number(WebDriver d, String id) {
        String v = value(d, id);
        return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    /** Leaves one blank tab, so the next test starts from the same place. */
    private static void closeExtraTabs(WebDriver browser) {
        List<String> tabs = new ArrayList<>(browser.getWindowHandles());
        for (String tab : tabs.subList(1, tabs.size())) {
            browser.switchTo().window(tab).close();
        }
        browser.switchTo().window(tabs.get(0)).get("about:blank");
    }

    private WsTestClient login(long uid) {
        WsTestClient c = WsTestClient.connect(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"));
        clients.add(c);
        c.send("{\"op\":\"login\",\"uid\":" + uid + "}");
        c.awaitMatching(s -> s.contains("\"login_ok\""), WAIT);
        return c;
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    private double metric(String series) {
        for (String line : Http.get(url("/metrics")).body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in /metrics");
    }

    private static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // between /metrics polls
        }
    }

    /** The status code for a request line sent as is: no client library normalises the path. */
    private int rawStatus(String methodAndPath) {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout((int) Patience.millis(5000));
            String req = methodAndPath + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1); // "HTTP/1.1 404"
            return Integer.parseInt(head.substring(9, 12));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
