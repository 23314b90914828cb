package gateway;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Set;
import kit.Problem;
import kit.Request;
import kit.Upstream;

/**
 * The reverse proxy: every request no gateway route takes is checked, matched against the
 * routing table and streamed to a replica of the route's upstream, and the answer streamed
 * back. Bodies pass through in small buffers, never whole, in both directions.
 */
final class Proxy {
    /** Methods that may be sent twice (RFC 9110, 9.2.2), when they carry no body. */
    static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "DELETE", "PUT");
    private static final int BUFFER = 16 * 1024;

    private final RouteTable table;
    private final Forwarder forwarder;
    private final ProxyMetrics metrics;
    private final Guards guards;

    /** What a request must pass before it is forwarded. */
    record Guards(Cors cors, RateLimiter limiter, ApiKeys keys) {}

    Proxy(RouteTable table, Forwarder forwarder, ProxyMetrics metrics, Guards guards) {
        this.table = table;
        this.forwarder = forwarder;
        this.metrics = metrics;
        this.guards = guards;
    }

    /** Handles one request to a routed path (the kit's fallback route). */
    void handle(Request request) throws IOException {
        HttpExchange exchange = request.exchange();
        String path = SafePath.check(exchange.getRequestURI());
        Route route = table.find(path)
                .orElseThrow(() -> Problem.notFound("no route for " + path));
        request.route(route.prefix());
        try {
            // A preflight is the gateway's to answer; the limit comes before the key check so
            // that guessing keys is as slow as the route's rate.
            if (guards.cors().handle(exchange)) return;
            guards.limiter().check(exchange, route.prefix(), route.rate());
            guards.keys().check(exchange, route);
            forward(exchange, route, path);
            metrics.answered(route, exchange.getResponseCode());
        } catch (Problem problem) {
            metrics.answered(route, problem.status());
            throw problem;
        }
    }

    private void forward(HttpExchange exchange, Route route, String path) throws IOException {
        ForwardedHeaders.checkFitsUpstream(exchange);
        String method = exchange.getRequestMethod();
        String query = exchange.getRequestURI().getRawQuery();
        String target = route.upstreamPath(path) + (query == null ? "" : "?" + query);
        // HttpServer itself refuses a request with both a length and chunks (400): a proxy
        // and a server that each believe another framing is how requests get smuggled.
        long length = declaredLength(exchange);
        boolean chunked = exchange.getRequestHeaders().containsKey("Transfer-Encoding");
        if (length > route.maxBody()) throw tooLarge(exchange, route);
        BoundedBody body = new BoundedBody(exchange.getRequestBody(), route.maxBody());
        boolean hasBody = chunked || length > 0;
        Forwarder.Answer answer;
        try {
            answer = forwarder.send(route, target, hasBody ? body : null,
                    !hasBody && IDEMPOTENT.contains(method),
                    upstream -> {
                        ForwardedHeaders.toUpstream(exchange, upstream);
                        withBody(upstream, method, hasBody ? publisher(body, length) : null);
                    });
        } catch (Forwarder.Failure failure) {
            if (body.exceeded()) throw tooLarge(exchange, route);
            if (failure.status < 500) { // the client's body broke off: the connection too
                exchange.getResponseHeaders().set("Connection", "close");
                throw Problem.of(failure.status, failure.reason, failure.status == 408
                        ? "Request Timeout" : "Bad Request", failure.getMessage());
            }
            metrics.failed(route, failure.reason);
            throw Problem.of(failure.status, failure.reason, failure.status == 504
                    ? "Gateway Timeout" : "Bad Gateway", failure.getMessage());
        } catch (IllegalArgumentException e) { // HttpClient refused a method or header value
            throw Problem.badRequest("cannot forward this request: " + e.getMessage());
        }
        try (InputStream in = answer.response().body()) {
            respond(exchange, answer.response(),
                    new UpstreamBody(in, route, answer.replica(), forwarder));
        }
    }

    /** Sends the upstream's status, headers and body; its length when it gave one. */
    private static void respond(HttpExchange exchange, HttpResponse<InputStream> response,
            UpstreamBody in) throws IOException {
        int status = response.statusCode();
        ForwardedHeaders.toClient(response.headers(), exchange.getResponseHeaders());
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        boolean noBody = exchange.getRequestMethod().equals("HEAD") || status == 204
                || status == 304 || status < 200;
        if (noBody) {
            // HttpServer leaves the length of a HEAD or 304 answer to the handler.
            if (length >= 0 && status != 204) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            }
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        // For sendResponseHeaders, -1 means no body and 0 means chunked (length unknown).
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length < 0 ? 0 : length);
        if (length == 0) return;
        OutputStream out = exchange.getResponseBody();
        byte[] buffer = new byte[length > 0 && length < BUFFER ? (int) length : BUFFER];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            // Pass on what arrived now rather than wait for a full buffer: a slow upstream's
            // first bytes reach the client at once (and server-sent events would work).
            if (in.available() == 0) out.flush();
        }
        out.close();
    }

    private static void withBody(HttpRequest.Builder upstream, String method,
            BodyPublisher body) {
        if (body != null) {
            upstream.method(method, body);
            return;
        }
        switch (method) { // these three without a body send no Content-Length at all
            case "GET" -> upstream.GET();
            case "HEAD" -> upstream.HEAD();
            case "DELETE" -> upstream.DELETE();
            default -> upstream.method(method, BodyPublishers.noBody());
        }
    }

    /** The body as it arrives: with its Content-Length when the client gave one. */
    private static BodyPublisher publisher(BoundedBody body, long length) {
        BodyPublisher stream = BodyPublishers.ofInputStream(() -> body);
        return length > 0 ? BodyPublishers.fromPublisher(stream, length) : stream;
    }

    /**
     * The upstream's answer body as the proxy copies it: a read that fails is the replica
     * breaking mid-answer (set aside), while a failed write is the client's going away.
     */
    private record UpstreamBody(InputStream in, Route route, Upstream.Replica replica,
            Forwarder forwarder) {
        int read(byte[] buffer) throws IOException {
            try {
                return in.read(buffer);
            } catch (IOException e) {
                forwarder.brokeMidAnswer(route, replica, e);
                throw e;
            }
        }

        int available() throws IOException {
            return in.available();
        }
    }

    private static long declaredLength(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length == null) return -1;
        try {
            long value = Long.parseLong(length.strip());
            if (value >= 0) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw Problem.badRequest("Content-Length is not a length: " + length);
    }

    private static Problem tooLarge(HttpExchange exchange, Route route) {
        // The unread rest of the body would be taken for the next request: close instead.
        exchange.getResponseHeaders().set("Connection", "close");
        return Problem.of(413, "content-too-large", "Content Too Large",
                "the request body is larger than " + route.maxBody() + " bytes, the limit of "
                        + route.prefix());
    }
}
