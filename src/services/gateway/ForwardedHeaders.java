package gateway;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import kit.Limits;
import kit.Problem;

/**
 * Which headers cross the gateway. Hop-by-hop headers describe one connection and stop here,
 * in both directions (RFC 9110, section 7.6.1), as does every header that {@code Connection}
 * names. Headers the gateway derives itself (length, host, request id, X-Forwarded-*) are
 * replaced, not copied. Everything else is end-to-end and passes unchanged.
 */
final class ForwardedHeaders {
    private ForwardedHeaders() {}

    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "te", "trailer", "transfer-encoding", "upgrade", "proxy-authenticate",
            "proxy-authorization");

    /** Not copied up: hop-by-hop, or set by the gateway or HttpClient (a client's copy). */
    private static final Set<String> NOT_UP = union(HOP_BY_HOP, Set.of("content-length",
            "host", "expect", "x-request-id", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host"));

    /** Not copied down: hop-by-hop, or set by the gateway's HttpServer. */
    private static final Set<String> NOT_DOWN =
            union(HOP_BY_HOP, Set.of("content-length", "date", "x-request-id"));

    /**
     * HttpServer's limits on a request's head, the kit's the same in the gateway and in the
     * services behind it; the JDK counts 32 bytes more per line than the line's own.
     */
    private static final int UPSTREAM_MAX_LINES = Limits.HEADER_LINES;
    private static final int UPSTREAM_MAX_BYTES = Limits.HEAD_BYTES;
    private static final int PER_LINE = 32;
    /** Room for what the gateway and HttpClient add: X-Forwarded-*, X-Request-Id, Host... */
    private static final int ADDED_LINES = 10;
    private static final int ADDED_BYTES = 2 * 1024;

    /**
     * Refuses with 431 a request whose headers the gateway accepted but the upstream would
     * not, once the gateway's own are added: the upstream would close the connection, which
     * would read as a broken replica (502) instead of the client's mistake.
     */
    static void checkFitsUpstream(HttpExchange exchange) {
        int lines = 0;
        long bytes = exchange.getRequestURI().toString().length() + PER_LINE; // request line
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                lines++;
                bytes += header.getKey().length() + value.length() + 2 + PER_LINE; // ": "
            }
        }
        if (lines + ADDED_LINES > UPSTREAM_MAX_LINES || bytes + ADDED_BYTES > UPSTREAM_MAX_BYTES) {
            throw Problem.of(431, "header-fields-too-large", "Request Header Fields Too Large",
                    lines + " header lines of " + bytes + " bytes; the gateway forwards at most "
                            + (UPSTREAM_MAX_LINES - ADDED_LINES) + " lines and "
                            + (UPSTREAM_MAX_BYTES - ADDED_BYTES) + " bytes");
        }
    }

    /** Copies the client's end-to-end headers to {@code upstream} and adds X-Forwarded-*. */
    static void toUpstream(HttpExchange exchange, HttpRequest.Builder upstream) {
        Headers in = exchange.getRequestHeaders();
        Set<String> dropped = dropped(in.get("Connection"), NOT_UP);
        for (Map.Entry<String, List<String>> header : in.entrySet()) {
            if (dropped.contains(header.getKey().toLowerCase(Locale.ROOT))) continue;
            for (String value : header.getValue()) upstream.header(header.getKey(), value);
        }
        String client = exchange.getRemoteAddress().getAddress().getHostAddress();
        String chain = in.getFirst("X-Forwarded-For");
        upstream.header("X-Forwarded-For", chain == null ? client : chain + ", " + client);
        upstream.header("X-Forwarded-Proto", exchange instanceof HttpsExchange ? "https" : "http");
        String host = in.getFirst("Host");
        if (host != null) upstream.header("X-Forwarded-Host", host);
    }

    /** Copies the upstream's end-to-end response headers to the client's response. */
    static void toClient(HttpHeaders upstream, Headers out) {
        Set<String> dropped = dropped(upstream.allValues("Connection"), NOT_DOWN);
        upstream.map().forEach((name, values) -> {
            if (!dropped.contains(name.toLowerCase(Locale.ROOT))) out.put(name, values);
        });
    }

    /** {@code always}, plus every name the Connection header lists. */
    private static Set<String> dropped(List<String> connection, Set<String> always) {
        if (connection == null || connection.isEmpty()) return always;
        Set<String> names = new HashSet<>(always);
        for (String value : connection) {
            for (String token : value.split(",")) names.add(token.strip().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
