package data;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import java.time.Duration;
import kit.Metrics;
import kit.Request;

/**
 * The cache-aside read. Ask Redis first; on a miss, load from PostgreSQL and store the answer
 * in Redis with a TTL, so the next reads are hits. Concurrent loads of one key share one query
 * ({@link SingleFlight}), a client's {@code no-cache} included: asking for fresh data may skip
 * Redis, never multiply queries. A missing row is cached too, for a shorter time. Redis failing
 * never fails a read: it is bypassed and PostgreSQL answers.
 */
public final class CacheAside {
    /** Reads the value from PostgreSQL: a JSON object or array, or {@code null} if absent. */
    @FunctionalInterface
    public interface Loader {
        JsonValue load();
    }

    /** A leader's load, shared with its followers; ttlSeconds -1: not stored in Redis. */
    private record Loaded(JsonValue data, long ttlSeconds) {}

    private final Cache cache;
    private final String name;
    private final int ttlSeconds;
    private final int notFoundTtlSeconds;
    private final SingleFlight<Loaded> flight;
    private final Metrics.Counter hits;
    private final Metrics.Counter misses;
    private final Metrics.Counter bypasses;
    private final Metrics.Counter collapsed;

    /**
     * Reads through {@code cache}; a follower of a load waits at most {@code queryTimeout}
     * (and a little more). Metrics and the Cache-Status header carry the settings' name.
     */
    public CacheAside(Cache cache, Redis settings, Duration queryTimeout, Metrics metrics) {
        this.cache = cache;
        this.name = settings.name();
        this.ttlSeconds = settings.ttlSeconds();
        this.notFoundTtlSeconds = settings.notFoundTtlSeconds();
        this.flight = new SingleFlight<>(queryTimeout.plusMillis(100));
        hits = metrics.counter(name + "_cache_hits_total", "Reads answered by Redis.");
        misses = metrics.counter(name + "_cache_misses_total",
                "Reads Redis did not have, so PostgreSQL answered.");
        bypasses = metrics.counter(name + "_cache_bypass_total",
                "Reads that skipped Redis (Redis down, or the request said no-cache).");
        collapsed = metrics.counter(name + "_single_flight_collapsed_total",
                "Loads that waited for another request's query instead of querying.");
        metrics.gauge(name + "_single_flight_waiting",
                "Requests waiting now for another request's load.", flight::waiting);
    }

    /**
     * Reads {@code key} for {@code request}; one that asks for fresh data
     * ({@code Cache-Control: no-cache}) skips Redis (and stores nothing).
     */
    public Lookup read(Request request, String key, Loader loader) {
        Timings timings = new Timings();
        if (noCache(request)) return bypass(key, Lookup.Bypass.REQUESTED, loader, timings);
        try {
            String stored = timings.redis(() -> cache.resolve(key));
            Cache.Entry entry = timings.redis(() -> cache.get(stored));
            if (entry == null) {
                misses.inc();
                return load(key, stored, loader, timings);
            }
            hits.inc();
            JsonValue data = entry.value().equals(Cache.NOT_FOUND) ? null
                    : Json.parse(entry.value());
            return Lookup.of(name, stored, data, timings).hit(entry.ttlSeconds());
        } catch (Cache.Down e) {
            return bypass(key, Lookup.Bypass.redisDown(e), loader, timings);
        }
    }

    private static boolean noCache(Request request) {
        String control = request.header("Cache-Control");
        return control != null && control.toLowerCase().contains("no-cache");
    }

    private Lookup bypass(String key, Lookup.Bypass why, Loader loader, Timings timings) {
        bypasses.inc();
        return load(key, null, loader, timings).bypassed(why);
    }

    /**
     * Loads {@code key} from PostgreSQL, or waits for the load of another request already
     * running; the leader stores what it loaded under {@code storeAs} (null: nothing stored).
     */
    private Lookup load(String key, String storeAs, Loader loader, Timings timings) {
        // Only the leader runs the work, so its own timings get the query and the store.
        SingleFlight.Result<Loaded> result =
                flight.run(key, () -> lead(storeAs, loader, timings));
        if (result.collapsed()) {
            collapsed.inc();
            timings.postgres(result.waitedNanos());
        }
        Loaded loaded = result.value();
        return Lookup.of(name, storeAs == null ? key : storeAs, loaded.data(), timings)
                .stored(loaded.ttlSeconds())
                .collapsed(result.collapsed());
    }

    /** The leader's work: query PostgreSQL, then store what it said (even "no such row"). */
    private Loaded lead(String storeAs, Loader loader, Timings timings) {
        JsonValue data = timings.postgres(loader::load);
        if (storeAs == null) return new Loaded(data, -1);
        String value = data == null ? Cache.NOT_FOUND : data.toString();
        int ttl = data == null ? notFoundTtlSeconds : ttlSeconds;
        try {
            return new Loaded(data, timings.redis(() -> cache.put(storeAs, value, ttl)));
        } catch (Cache.Down e) {
            return new Loaded(data, -1); // answered from PostgreSQL; the next read tries again
        }
    }
}
