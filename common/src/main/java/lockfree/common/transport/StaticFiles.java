package lockfree.common.transport;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The browser page at {@code GET /}: files from two fixed places on the classpath, nothing else.
 *
 * <pre>
 * /                  -> lockfree/common/dashboard/index.html
 * /app.js, ...       -> lockfree/common/dashboard/app.js, ...        (Cache-Control: no-cache)
 * /webjars/uplot/... -> META-INF/resources/webjars/uplot/...         (versioned path: cached for a year)
 * </pre>
 *
 * A request path (already percent-decoded) is served only if every segment starts with a letter,
 * digit, {@code _} or {@code -} and uses only those and dots, and the last one ends in a known
 * extension. That rules out {@code ..}, {@code .}, empty segments, backslashes and directories
 * before the class loader is asked anything; everything else is a 404.
 */
final class StaticFiles {
    private static final String PAGE = "lockfree/common/dashboard/";
    private static final String WEBJARS_URL = "/webjars/";
    private static final String WEBJARS = "META-INF/resources/webjars/";
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    /** A file's bytes and headers, read once: the event loop must not wait on the class loader twice. */
    private record Asset(byte[] bytes, String type, String cacheControl) {
    }

    /** Only files that exist are cached, so the map is bounded by what is on the classpath. */
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** The response for {@code path}, or null when there is no such file (answer 404). */
    FullHttpResponse get(String path) {
        Asset asset = cache.get(path);
        if (asset == null) {
            asset = load(path);
            if (asset == null) {
                return null;
            }
            cache.putIfAbsent(path, asset);
        }
        // The cached array is wrapped, not copied: Netty only reads a response body.
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(asset.bytes()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.type());
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, asset.bytes().length);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, asset.cacheControl());
        res.headers().set("X-Content-Type-Options", "nosniff"); // the type above is the only one
        return res;
    }

    private static Asset load(String path) {
        if (path.equals("/")) {
            path = "/index.html";
        }
        if (!SAFE_PATH.matcher(path).matches()) {
            return null;
        }
        String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1));
        if (type == null) {
            return null;
        }
        boolean webjar = path.startsWith(WEBJARS_URL);
        String name = webjar ? WEBJARS + path.substring(WEBJARS_URL.length()) : PAGE + path.substring(1);
        URL url = StaticFiles.class.getClassLoader().getResource(name);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            // A WebJar's path carries its version, so a new version is a new URL: cache for good.
            // Our own files change with the gateway: the browser revalidates them every time.
            return new Asset(in.readAllBytes(), type, webjar ? "public, max-age=31536000, immutable" : "no-cache");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
    }
}
