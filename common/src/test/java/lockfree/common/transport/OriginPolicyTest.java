package lockfree.common.transport;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OriginPolicyTest {
    private static HttpRequest request(String origin, String host) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
        if (origin != null) {
            r.headers().set("Origin", origin);
        }
        r.headers().set("Host", host);
        return r;
    }

    @Test
    void withoutASecretOnlyLoopbackPagesAndTheListPass() {
        OriginPolicy p = new OriginPolicy(List.of("https://App.Example/"), false);
        for (String ok : List.of("http://127.0.0.1:8080", "http://localhost", "https://dev.localhost:3000",
                "http://127.1.2.3", "http://[::1]:8080", "https://app.example")) {
            assertTrue(p.allows(request(ok, "127.0.0.1:8080")), ok);
        }
        assertTrue(p.allows(request(null, "127.0.0.1:8080")), "no Origin: not a page in a browser");
        for (String bad : List.of("http://evil.example", "null", "file://", "http://127.0.0.1.evil.example",
                "http://localhost.evil.example", "ftp://127.0.0.1", "http://cafe", "https://app.example.evil")) {
            assertFalse(p.allows(request(bad, "127.0.0.1:8080")), bad);
        }
        // DNS rebinding: the attacker's name resolves to loopback, so Origin and Host agree.
        assertFalse(p.allows(request("http://rebind.example:8080", "rebind.example:8080")));
    }

    @Test
    void withASecretTheGatewaysOwnPageAndTheListPass() {
        OriginPolicy p = new OriginPolicy(List.of("https://app.example"), true);
        assertTrue(p.allows(request("https://gw.example", "gw.example")));
        assertTrue(p.allows(request("http://GW.example:8443", "gw.example:8443")));
        assertTrue(p.allows(request("https://app.example", "gw.example")));
        assertFalse(p.allows(request("http://localhost:3000", "gw.example")), "loopback is no exception with a secret");
        assertFalse(p.allows(request("https://gw.example:1", "gw.example")), "another port is another origin");
    }

    @Test
    void aStarAllowsEveryOrigin() {
        assertTrue(new OriginPolicy(List.of("*"), false).allows(request("http://evil.example", "x")));
    }
}
