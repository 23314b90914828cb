package gateway;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import kit.Problem;

/**
 * Cross-origin requests from browsers, for the origins in CORS_ORIGINS (comma-separated, e.g.
 * {@code https://shop.example.org}; empty: none). The gateway answers every preflight itself
 * (OPTIONS with Origin and Access-Control-Request-Method): an allowed origin gets 204 and the
 * Access-Control-Allow-* headers, any other a 403 without them, so the browser blocks the call.
 */
final class Cors {
    static final String METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
    static final String HEADERS = "Content-Type, X-Api-Key, X-Request-Id";
    static final String EXPOSED = "X-Request-Id, Retry-After, RateLimit-Limit, "
            + "RateLimit-Remaining, RateLimit-Reset";
    static final int MAX_AGE_SECONDS = 600;

    private final Set<String> origins;

    private Cors(Set<String> origins) {
        this.origins = origins;
    }

    /** Parses a comma-separated list of origins like {@code https://a.example:8443}. */
    static Cors of(String list) {
        return new Cors(Arrays.stream(list.split(",")).map(String::strip)
                .filter(o -> !o.isEmpty()).collect(Collectors.toUnmodifiableSet()));
    }

    Set<String> origins() {
        return origins;
    }

    /**
     * Answers a preflight and returns true, or, for any other request, adds the headers an
     * allowed origin may read and returns false.
     */
    boolean handle(HttpExchange exchange) throws IOException {
        Headers request = exchange.getRequestHeaders();
        String origin = request.getFirst("Origin");
        if (origin == null) return false;
        boolean allowed = origins.contains(origin);
        Headers response = exchange.getResponseHeaders();
        response.add("Vary", "Origin");
        boolean preflight = exchange.getRequestMethod().equals("OPTIONS")
                && request.containsKey("Access-Control-Request-Method");
        if (!preflight) {
            if (allowed) {
                response.set("Access-Control-Allow-Origin", origin);
                response.set("Access-Control-Expose-Headers", EXPOSED);
            }
            return false;
        }
        if (!allowed) {
            throw Problem.of(403, "origin-not-allowed", "Forbidden",
                    "cross-origin requests from " + origin + " are not allowed");
        }
        response.set("Access-Control-Allow-Origin", origin);
        response.set("Access-Control-Allow-Methods", METHODS);
        response.set("Access-Control-Allow-Headers", HEADERS);
        response.set("Access-Control-Max-Age", Integer.toString(MAX_AGE_SECONDS));
        exchange.sendResponseHeaders(204, -1);
        return true;
    }
}
