package lockfree.common.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Blocking HTTP calls for tests: {@code GET /health}, {@code GET /metrics}, {@code POST /push}.
 *
 * <pre>{@code
 * Http.Response r = Http.post(base.resolve("/push"), "{\"userId\":1,\"data\":\"hi\"}");
 * assertEquals(200, r.status(), r.body());
 * }</pre>
 *
 * Any status is returned, not thrown, so tests can assert on 4xx and 5xx answers. Transport
 * failures (connection refused, timeout) are thrown as {@link UncheckedIOException}.
 */
public final class Http {

    private static final Duration TIMEOUT = Patience.seconds(10);

    /** HTTP/1.1, as the gateway speaks; java.net.http would otherwise try an h2c upgrade first. */
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Patience.seconds(5))
            .build();

    private Http() {
    }

    /** An HTTP response: status code, body as UTF-8 text, and headers. */
    public record Response(int status, String body, HttpHeaders headers) {
        /** The first value of a header (case-insensitive name), or null if absent. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public static Response get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** POSTs a JSON body with {@code Content-Type: application/json}. */
    public static Response post(URI uri, String json) {
        return post(uri, json, Map.of());
    }

    /**
     * POSTs a JSON body; {@code headers} are added to the request and may override the default
     * {@code Content-Type: application/json}. The JDK forbids setting a few headers itself, such
     * as {@code Host}, {@code Connection} and {@code Content-Length}.
     */
    public static Response post(URI uri, String json, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return send(request);
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(
                    request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during an HTTP request", e);
        }
    }
}
