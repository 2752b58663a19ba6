package lockfree.common.transport;

import lockfree.common.metrics.GatewayMetrics;
import lockfree.common.protocol.ErrorCode;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where one HTTP request ends and the next begins, as RFC 9112 draws the line. It sits between the
 * HTTP decoder and the aggregator, so it sees each request's head before its body is read, and
 * every response on its way out.
 *
 * <p>Once a response that closes the connection is on its way (ours with {@code Connection: close},
 * the aggregator's 413 and 417), nothing more is dispatched: the decoder may already hold the next
 * requests of the same read, and the close itself happens only when the response has been written,
 * which can be later still (RFC 9112 9.6: a server MUST NOT process further requests). A 413 or 417
 * refuses a body that was never read, so whatever follows on the connection could be that body; it
 * always closes, and says so.
 *
 * <p>A request head is refused (400, then closed, before its body is read) when: it is HTTP/1.1
 * without a {@code Host}, or any version with more than one or with one that is not a host[:port]
 * (RFC 9112 3.2); its target is neither origin-form ({@code /path}) nor absolute-form for this
 * gateway's own address (3.2.2; {@code *} is allowed for OPTIONS); it has a {@code Transfer-Encoding}
 * on HTTP/1.0, one whose last coding is not chunked, or one together with a {@code Content-Length}
 * (6.1, 6.3; Netty's decoder refuses Content-Length values it cannot read or that disagree). A chunked coding after other codings, which the gateway does not implement, gets
 * 501. An absolute-form target is rewritten to origin-form, and {@code Host} set to its authority
 * (3.2.2: the target's authority replaces {@code Host}), so that every handler after this one sees
 * one form only.
 *
 * <p>A chunk-size line over {@link #MAX_REQUEST_LINE} (a long chunk extension) is
 * reported as {@link ChunkLineTooLong}, which {@link HandshakeGuard} answers 413: Netty's decoder
 * reads chunk lines with its request-line reader and reports them as a request line too long, 414.
 */
final class RequestGate extends ChannelDuplexHandler {
    /** Longest request line the HTTP decoder reads: RFC 9112 (3) asks for at least 8000 octets. */
    static final int MAX_REQUEST_LINE = 8192;
    /** Most bytes of request headers the HTTP decoder reads. */
    static final int MAX_HEADERS = 8192;

    /** A chunk line over the limit: the body is too large for us to read, not the request line. */
    static final class ChunkLineTooLong extends TooLongFrameException {
        ChunkLineTooLong() {
            super("a chunk line (size and extensions) is over " + MAX_REQUEST_LINE + " bytes");
        }
    }

    /**
     * Request headers that remember whether the decoder dropped a {@code Content-Length} because a
     * {@code Transfer-Encoding} came with it. Netty's decoder then reads the body as chunked, as
     * RFC 9112 (6.3) allows, but leaves no other trace; and such a request is the classic
     * smuggling attempt (a front end that frames by Content-Length sees a different request
     * boundary), which 6.1 lets a server refuse and obliges it to close after.
     */
    static final class FramingHeaders extends DefaultHttpHeaders {
        private boolean lengthDropped;

        FramingHeaders() {
            super(DefaultHttpHeadersFactory.headersFactory().getNameValidator(),
                    DefaultHttpHeadersFactory.headersFactory().getValueValidator());
        }

        @Override
        public HttpHeaders remove(CharSequence name) {
            noteDroppedLength(name);
            return super.remove(name);
        }

        @Override
        public HttpHeaders remove(String name) {
            noteDroppedLength(name);
            return super.remove(name);
        }

        private void noteDroppedLength(CharSequence name) {
            if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name) && contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                lengthDropped = true;
            }
        }
    }

    /** The decoder's factory for request headers: {@link FramingHeaders}; trailers stay Netty's. */
    static final HttpHeadersFactory HEADERS = new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
            return new FramingHeaders();
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return new FramingHeaders();
        }
    };

    /*
     * host [":" port]: an IP literal in brackets, or a reg-name / IPv4 address (RFC 3986 3.2.2);
     * no spaces, slashes or userinfo.
     */
    private static final Pattern HOST = Pattern.compile(
            "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9\\-._~!$&'()*+,;=%]+)(:[0-9]{0,5})?");

    private final GatewayMetrics metrics;
    private boolean closing;

    RequestGate(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            Refusal refusal = refusal(ctx, request);
            if (refusal != null) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, refusal.status(), refusal.why());
                return;
            }
        } else if (msg instanceof HttpContent content && !(msg instanceof HttpRequest)
                && content.decoderResult().cause() instanceof TooLongHttpLineException) {
            content.setDecoderResult(DecoderResult.failure(new ChunkLineTooLong()));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res) {
            int code = res.status().code();
            if (code == 413 || code == 417) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            if (res.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
                closing = true;
                ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    /** Why a request head is refused, and with which status. */
    private record Refusal(HttpResponseStatus status, String why) {
        static Refusal bad(String why) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, why);
        }
    }

    /** Why this request head is refused, or null if it is not. */
    private static Refusal refusal(ChannelHandlerContext ctx, HttpRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        boolean http11 = request.protocolVersion().equals(HttpVersion.HTTP_1_1);
        if (hosts.size() > 1) {
            return Refusal.bad("more than one Host header");
        }
        if (hosts.isEmpty() && http11) {
            return Refusal.bad("HTTP/1.1 requires a Host header");
        }
        if (!hosts.isEmpty() && !HOST.matcher(hosts.get(0)).matches()) {
            return Refusal.bad("Host is not a host[:port]");
        }
        List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (request.headers() instanceof FramingHeaders h && h.lengthDropped) {
            return Refusal.bad("both Content-Length and Transfer-Encoding");
        }
        if (!codings.isEmpty()) {
            if (!http11) {
                return Refusal.bad("Transfer-Encoding in an HTTP/1.0 request");
            }
            String[] all = String.join(",", codings).split(",");
            if (!all[all.length - 1].trim().equalsIgnoreCase("chunked")) {
                return Refusal.bad("the last transfer coding must be chunked");
            }
            if (all.length > 1) {
                return new Refusal(HttpResponseStatus.NOT_IMPLEMENTED, "the only transfer coding spoken here is chunked");
            }
        }
        String target = request.uri();
        if (target.startsWith("/")) {
            return null;
        }
        if (target.equals("*") && request.method().equals(HttpMethod.OPTIONS)) {
            return null;
        }
        String notOurs = absoluteForm(ctx, request);
        return notOurs == null ? null : Refusal.bad(notOurs);
    }

    /** Rewrites an absolute-form target for this gateway to origin-form; returns why not otherwise. */
    private static String absoluteForm(ChannelHandlerContext ctx, HttpRequest request) {
        URI uri;
        try {
            uri = new URI(request.uri());
        } catch (URISyntaxException e) {
            return "the request target is neither /path nor http://host/path";
        }
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("http") || uri.getRawAuthority() == null) {
            return "the request target is neither /path nor http://host/path";
        }
        if (uri.getRawUserInfo() != null || uri.getHost() == null
                || !ownAddress(ctx, uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort())) {
            return "this gateway serves only its own address, not " + abbreviate(uri.getRawAuthority());
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        request.setUri(uri.getRawQuery() == null ? path : path + '?' + uri.getRawQuery());
        request.headers().set(HttpHeaderNames.HOST, uri.getRawAuthority());
        return null;
    }

    /*
     * This gateway's own address: the one the connection came in on (by IP literal), and
     * "localhost" when that is a loopback address. The gateway is given no name of its own, and
     * resolving a name here would block the event loop.
     */
    private static boolean ownAddress(ChannelHandlerContext ctx, String host, int port) {
        if (!(ctx.channel().localAddress() instanceof InetSocketAddress local) || local.getPort() != port) {
            return false;
        }
        InetAddress address = local.getAddress();
        if (host.equalsIgnoreCase("localhost")) {
            return address.isLoopbackAddress();
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false; // a name, not an IP literal: never looked up
        }
        try {
            InetAddress given = InetAddress.getByName(literal); // a literal: parsed, not resolved
            return given.equals(address) || (address.isAnyLocalAddress() && given.isLoopbackAddress());
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        metrics.error(ErrorCode.BAD_HTTP);
        closing = true;
        HttpApiHandler.respond(ctx, status, HttpApiHandler.errorBody(ErrorCode.BAD_HTTP, message), false);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
