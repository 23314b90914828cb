package gateway;

import kit.Metrics;

/**
 * The proxy's counters by route, in the service's own metrics: requests by the status the
 * client got (the upstream's own when it answered), and upstream calls that got no answer, by
 * reason. Every label comes from a bounded set: route prefixes of the table, status codes,
 * and the failure reasons the gateway names.
 */
final class ProxyMetrics {
    private final Metrics metrics;

    ProxyMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Counts a proxied request answered with {@code status}. */
    void answered(Route route, int status) {
        metrics.counter("gateway_requests_total",
                "Requests proxied, by route prefix and the status the client got.",
                "route", route.prefix(), "status", Metrics.status(status)).inc();
    }

    /** Counts an upstream call that got no answer, e.g. reason "refused" or "timeout". */
    void failed(Route route, String reason) {
        metrics.counter("gateway_upstream_failures_total",
                "Upstream calls that got no answer, by route prefix and reason.",
                "route", route.prefix(), "reason", reason).inc();
    }
}
