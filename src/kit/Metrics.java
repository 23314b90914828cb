package kit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Counters, gauges and the request latency histogram of one service, exposed on
 * {@code GET /metrics} in the Prometheus text format. Labels are route patterns, never raw
 * paths, so the number of series stays bounded whatever clients send.
 */
public final class Metrics {
    private static final double[] BUCKETS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    /** A monotonically increasing count. */
    public static final class Counter {
        private final LongAdder value = new LongAdder();

        public void inc() {
            value.increment();
        }

        public void add(long n) {
            value.add(n);
        }

        public long get() {
            return value.sum();
        }
    }

    private record Described(String help, String type) {}

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

    private final Map<String, Described> described = new ConcurrentSkipListMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();

    /** The counter {@code name} (created on first use), e.g. {@code db_queries_total}. */
    public Counter counter(String name, String help) {
        described.putIfAbsent(name, new Described(help, "counter"));
        return counters.computeIfAbsent(name, n -> new Counter());
    }

    /** A gauge read when metrics are scraped, e.g. a pool's idle connections. */
    public void gauge(String name, String help, DoubleSupplier value) {
        described.putIfAbsent(name, new Described(help, "gauge"));
        gauges.put(name, value);
    }

    /** Counts one handled request and its latency. */
    void record(String route, String method, int status, double seconds) {
        String key = "http_requests_total{route=\"" + route + "\",method=\"" + method
                + "\",status=\"" + status + "\"}";
        counters.computeIfAbsent(key, k -> new Counter()).inc();
        latency.computeIfAbsent(route, r -> new Histogram()).observe(seconds);
    }

    /** The Prometheus text exposition of everything recorded so far. */
    public String scrape() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP http_requests_total Requests handled, by route, method and status.\n")
                .append("# TYPE http_requests_total counter\n");
        new TreeMap<>(counters).forEach((key, counter) -> {
            if (key.startsWith("http_requests_total{")) line(out, key, counter.get());
        });
        out.append("# HELP http_request_duration_seconds Time to handle a request, by route.\n")
                .append("# TYPE http_request_duration_seconds histogram\n");
        new TreeMap<>(latency).forEach((route, histogram) -> histogram(out, route, histogram));
        described.forEach((name, d) -> {
            out.append("# HELP ").append(name).append(' ').append(d.help()).append('\n')
                    .append("# TYPE ").append(name).append(' ').append(d.type()).append('\n');
            if (d.type().equals("counter")) line(out, name, counters.get(name).get());
            else line(out, name, gauges.get(name).getAsDouble());
        });
        return out.toString();
    }

    private static void histogram(StringBuilder out, String route, Histogram h) {
        String name = "http_request_duration_seconds";
        long cumulative = 0;
        for (int i = 0; i <= BUCKETS.length; i++) {
            cumulative += h.counts[i].sum();
            String le = i < BUCKETS.length ? Double.toString(BUCKETS[i]) : "+Inf";
            line(out, name + "_bucket{route=\"" + route + "\",le=\"" + le + "\"}", cumulative);
        }
        line(out, name + "_sum{route=\"" + route + "\"}", h.sumMicros.sum() / 1e6);
        line(out, name + "_count{route=\"" + route + "\"}", cumulative);
    }

    private static void line(StringBuilder out, String series, Object value) {
        out.append(series).append(' ').append(value).append('\n');
    }
}
