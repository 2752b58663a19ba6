package lockfree.common.transport;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may open {@code /ws} or {@code POST /push}. A browser names the page that
 * makes the request in {@code Origin}; without this check any web site the user visits could
 * talk to a gateway on the user's own machine. Requests without {@code Origin} come from programs,
 * not from a page in a browser, and are not a browser's cross-site request: they pass.
 *
 * <p>Allowed: every origin given with {@code --allowed-origin} ({@code *} allows all); the
 * gateway's own page (an origin equal to the request's {@code Host}) when a secret is set; and,
 * without a secret, any loopback origin ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}),
 * which includes the gateway's own page on loopback. Without a secret the {@code Host} is not
 * trusted: a page on an attacker's domain that resolves to 127.0.0.1 (DNS rebinding) is same-origin
 * with its own Host header, so only a loopback origin counts.
 */
final class OriginPolicy {
    private final boolean any;
    private final Set<String> allowed;
    private final boolean loopbackOnly;

    OriginPolicy(List<String> allowedOrigins, boolean secret) {
        this.any = allowedOrigins.contains("*");
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalise).collect(Collectors.toUnmodifiableSet());
        this.loopbackOnly = !secret;
    }

    boolean allows(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null || any) {
            return true;
        }
        String o = normalise(origin);
        if (allowed.contains(o)) {
            return true;
        }
        URI uri;
        try {
            uri = new URI(o);
        } catch (URISyntaxException e) {
            return false; // includes "null", sent by sandboxed frames and file:// pages
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            return false;
        }
        if (loopbackOnly) {
            return isLoopback(uri.getHost());
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        return host != null && uri.getRawAuthority().equalsIgnoreCase(host.trim());
    }

    /** Lower case, without a trailing slash: origins compare as scheme://host[:port]. */
    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // Only literal addresses: a name is never looked up here (that would let DNS decide).
        if (!h.matches("[0-9.]+") && !h.matches("[0-9a-f]*:[0-9a-f:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
