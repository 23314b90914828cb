package kit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Counters, gauges and the request latency histogram of one service, exposed on
 * {@code GET /metrics} in the Prometheus text format. Label values come from bounded sets
 * (route patterns, known methods, status codes, names in the code), never from raw client text,
 * and the request series stop growing at {@link #MAX_SERIES}: whatever clients send, the page
 * stays small and valid.
 */
public final class Metrics {
    private static final double[] BUCKETS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };
    /** Request series kept at most; a request that would start another is counted apart. */
    public static final int MAX_SERIES = 2000;

    /** A monotonically increasing count. */
    public static final class Counter {
        private final LongAdder value = new LongAdder();

        public void inc() {
            value.increment();
        }

        public long get() {
            return value.sum();
        }
    }

    /** The series of one metric name: label text (e.g. {@code reason="x"}, or "") to value. */
    private record Family(String help, String type, Map<String, Counter> counters,
            Map<String, DoubleSupplier> gauges) {
        Family(String help, String type) {
            this(help, type, new ConcurrentSkipListMap<>(), new ConcurrentSkipListMap<>());
        }
    }

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final LongAdder sumMicros = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
        }

        void observe(double seconds) {
            int i = 0;
            while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
            counts[i].increment();
            sumMicros.add((long) (seconds * 1_000_000));
        }
    }

    private final Map<String, Family> families = new ConcurrentSkipListMap<>();
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Counter overflow = counter("http_requests_unlabelled_total",
            "Requests counted without labels because " + MAX_SERIES + " series exist.");

    /** The counter {@code name} (created on first use), e.g. {@code db_queries_total}. */
    public Counter counter(String name, String help) {
        return family(name, help, "counter").counters()
                .computeIfAbsent("", l -> new Counter());
    }

    /**
     * One series of the counter family {@code name}, by label names and values in turn, e.g.
     * {@code counter(name, help, "route", "/users", "reason", "timeout")}. The caller keeps the
     * values to a bounded set.
     */
    public Counter counter(String name, String help, String... labelsAndValues) {
        return family(name, help, "counter").counters()
                .computeIfAbsent(labelText(labelsAndValues), l -> new Counter());
    }

    /** A gauge read when metrics are scraped, e.g. a pool's idle connections. */
    public void gauge(String name, String help, DoubleSupplier value) {
        family(name, help, "gauge").gauges().put("", value);
    }

    /**
     * One series of the gauge family {@code name}, read when metrics are scraped, by label
     * names and values in turn (as {@link #counter(String, String, String...)}).
     */
    public void gauge(String name, String help, DoubleSupplier value,
            String... labelsAndValues) {
        family(name, help, "gauge").gauges().put(labelText(labelsAndValues), value);
    }

    /** A status code as a label value: the code, or "other" outside 100-599. */
    public static String status(int status) {
        return status >= 100 && status <= 599 ? Integer.toString(status) : "other";
    }

    /** Counts one handled request and its latency (the route is a pattern, never a path). */
    void record(String route, String method, int status, double seconds) {
        String key = labels("route", route) + "," + labels("method", HttpMethods.label(method))
                + "," + labels("status", status(status));
        Counter counter = requests.get(key);
        if (counter == null) {
            if (requests.size() >= MAX_SERIES) {
                overflow.inc();
                return;
            }
            counter = requests.computeIfAbsent(key, k -> new Counter());
        }
        counter.inc();
        latency.computeIfAbsent(route, r -> new Histogram()).observe(seconds);
    }

    /** {@code name="value"}, the value escaped as the text format requires. */
    public static String labels(String name, String value) {
        StringBuilder out = new StringBuilder(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** The Prometheus text exposition of everything recorded so far. */
    public String scrape() {
        StringBuilder out = new StringBuilder();
        header(out, "http_requests_total", "Requests handled, by route, method and status.",
                "counter");
        new TreeMap<>(requests).forEach((labels, counter) ->
                line(out, "http_requests_total{" + labels + "}", counter.get()));
        header(out, "http_request_duration_seconds", "Time to handle a request, by route.",
                "histogram");
        new TreeMap<>(latency).forEach((route, histogram) -> histogram(out, route, histogram));
        families.forEach((name, family) -> {
            header(out, name, family.help(), family.type());
            family.counters().forEach((labels, c) -> line(out, series(name, labels), c.get()));
            family.gauges().forEach((labels, g) ->
                    line(out, series(name, labels), g.getAsDouble()));
        });
        return out.toString();
    }

    private static String labelText(String... labelsAndValues) {
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i + 1 < labelsAndValues.length; i += 2) {
            if (i > 0) labels.append(',');
            labels.append(labels(labelsAndValues[i], labelsAndValues[i + 1]));
        }
        return labels.toString();
    }

    private Family family(String name, String help, String type) {
        Family family = families.computeIfAbsent(name, n -> new Family(help, type));
        if (!family.type().equals(type)) {
            throw new IllegalArgumentException(name + " is a " + family.type() + ", not a " + type);
        }
        return family;
    }

    private static String series(String name, String labels) {
        return labels.isEmpty() ? name : name + "{" + labels + "}";
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void histogram(StringBuilder out, String route, Histogram h) {
        String name = "http_request_duration_seconds";
        String labels = labels("route", route);
        long cumulative = 0;
        for (int i = 0; i <= BUCKETS.length; i++) {
            cumulative += h.counts[i].sum();
            String le = i < BUCKETS.length ? Double.toString(BUCKETS[i]) : "+Inf";
            line(out, name + "_bucket{" + labels + ",le=\"" + le + "\"}", cumulative);
        }
        line(out, name + "_sum{" + labels + "}", h.sumMicros.sum() / 1e6);
        line(out, name + "_count{" + labels + "}", cumulative);
    }

    private static void line(StringBuilder out, String series, Object value) {
        out.append(series).append(' ').append(value).append('\n');
    }
}
