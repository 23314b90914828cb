package kit;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** One access-log line and one metrics sample per request, after it was answered. */
final class AccessLog extends Filter {
    /**
     * The route pattern that matched, the label for metrics. A thread-local, not an exchange
     * attribute: HttpServer keeps attributes on the shared context, not per exchange.
     */
    static final ThreadLocal<String> ROUTE = new ThreadLocal<>();

    private final Metrics metrics;

    AccessLog(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(exchange);
        } finally {
            double seconds = (System.nanoTime() - start) / 1e9;
            String route = ROUTE.get();
            ROUTE.remove();
            String label = route == null ? "unmatched" : route;
            int status = exchange.getResponseCode();
            String method = exchange.getRequestMethod();
            metrics.record(label, method, status, seconds);
            if (!label.equals("/health")) { // healthchecks every few seconds would drown the log
                Log.info("request", "method", HttpMethods.label(method),
                        "path", exchange.getRequestURI().getRawPath(),
                        "status", status,
                        "ms", Math.round(seconds * 10_000) / 10.0,
                        "request_id", RequestId.current());
            }
        }
    }

    @Override
    public String description() {
        return "access log and request metrics";
    }
}
