package gateway;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import kit.Metrics;
import kit.Request;
import kit.Responses;

/**
 * The proxy's counters by route: requests by the status the client got (the upstream's own
 * when it answered), and upstream calls that got no answer, by reason. Served on
 * {@code /metrics} after the kit's own series, in the Prometheus text format.
 */
final class ProxyMetrics {
    private final Metrics kit;
    private final Map<String, LongAdder> answered = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    ProxyMetrics(Metrics kit) {
        this.kit = kit;
    }

    /** Counts a proxied request answered with {@code status}. */
    void answered(Route route, int status) {
        count(answered, "route=\"" + route.prefix() + "\",status=\"" + status + "\"");
    }

    /** Counts an upstream call that got no answer, e.g. reason "refused" or "timeout". */
    void failed(Route route, String reason) {
        count(failures, "route=\"" + route.prefix() + "\",reason=\"" + reason + "\"");
    }

    private static void count(Map<String, LongAdder> counters, String labels) {
        counters.computeIfAbsent(labels, l -> new LongAdder()).increment();
    }

    /** GET /metrics: the kit's series, then the proxy's. */
    void handle(Request request) throws IOException {
        StringBuilder out = new StringBuilder(kit.scrape());
        series(out, "gateway_requests_total",
                "Requests proxied, by route prefix and the status the client got.", answered);
        series(out, "gateway_upstream_failures_total",
                "Upstream calls that got no answer, by route prefix and reason.", failures);
        Responses.text(request.exchange(), 200, "text/plain; version=0.0.4", out.toString());
    }

    private static void series(StringBuilder out, String name, String help,
            Map<String, LongAdder> counters) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(counters).forEach((labels, n) ->
                out.append(name).append('{').append(labels).append("} ").append(n.sum())
                        .append('\n'));
    }
}
