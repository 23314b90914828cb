package catalog;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import kit.Metrics;

/**
 * The cache-aside read, the heart of this challenge. Ask Redis first; on a miss, load from
 * PostgreSQL and store the answer in Redis with a TTL, so the next reads are hits. Concurrent
 * loads of one key share one query ({@link SingleFlight}), a client's {@code no-cache} included:
 * asking for fresh data may skip Redis, never multiply queries. A missing row is cached too,
 * for a shorter time. Redis failing never fails a read: it is bypassed and PostgreSQL answers.
 */
final class CacheAside {
    /** Reads the value from PostgreSQL: a JSON object or array, or {@code null} if absent. */
    @FunctionalInterface
    interface Loader {
        JsonValue load();
    }

    /** A leader's load, shared with its followers. */
    private record Loaded(JsonValue data, long ttlSeconds, long postgresNanos, long redisNanos) {}

    private final Cache cache;
    private final int ttlSeconds;
    private final int notFoundTtlSeconds;
    private final SingleFlight<Loaded> flight;
    private final Metrics.Counter hits;
    private final Metrics.Counter misses;
    private final Metrics.Counter bypasses;
    private final Metrics.Counter collapsed;

    CacheAside(Cache cache, Settings settings, Metrics metrics) {
        this.cache = cache;
        this.ttlSeconds = settings.cacheTtlSeconds();
        this.notFoundTtlSeconds = settings.notFoundTtlSeconds();
        // A follower waits as long as the leader's query may take, and a little more.
        this.flight = new SingleFlight<>(settings.queryTimeout().plusMillis(100));
        hits = metrics.counter("catalog_cache_hits_total", "Reads answered by Redis.");
        misses = metrics.counter("catalog_cache_misses_total",
                "Reads Redis did not have, so PostgreSQL answered.");
        bypasses = metrics.counter("catalog_cache_bypass_total",
                "Reads that skipped Redis (Redis down, or the request said no-cache).");
        collapsed = metrics.counter("catalog_single_flight_collapsed_total",
                "Loads that waited for another request's query instead of querying.");
        metrics.gauge("catalog_single_flight_waiting",
                "Requests waiting now for another request's load.", flight::waiting);
    }

    /** Reads {@code key}; {@code noCache} skips Redis for this read (and stores nothing). */
    Lookup read(String key, boolean noCache, Loader loader) {
        Timings timings = new Timings();
        if (noCache) {
            bypasses.inc();
            return load(key, null, Lookup.REQUESTED, loader, timings);
        }
        long start = System.nanoTime();
        try {
            String stored = cache.resolve(key);
            Cache.Entry entry = cache.get(stored);
            timings.redisSince(start);
            if (entry == null) {
                misses.inc();
                return load(key, stored, null, loader, timings);
            }
            hits.inc();
            JsonValue data = entry.value().equals(Cache.NOT_FOUND) ? null
                    : Json.parse(entry.value());
            return new Lookup(stored, data, Lookup.Status.HIT, entry.ttlSeconds(), false, false,
                    null, timings);
        } catch (Cache.Down e) {
            timings.redisSince(start);
            bypasses.inc();
            return load(key, null, e.getMessage(), loader, timings);
        }
    }

    /**
     * Loads {@code key} from PostgreSQL, or waits for the load of another request already
     * running; the leader stores what it loaded under {@code storeAs} (null: nothing stored,
     * for a {@code bypass} with its reason).
     */
    private Lookup load(String key, String storeAs, String bypass, Loader loader,
            Timings timings) {
        long start = System.nanoTime();
        SingleFlight.Result<Loaded> result = flight.run(key, () -> load(storeAs, loader));
        Loaded loaded = result.value();
        if (result.collapsed()) {
            collapsed.inc();
            timings.postgres(System.nanoTime() - start);
        } else {
            timings.postgres(loaded.postgresNanos());
            if (loaded.redisNanos() > 0) timings.redis(loaded.redisNanos());
        }
        return new Lookup(storeAs == null ? key : storeAs, loaded.data(),
                bypass == null ? Lookup.Status.MISS : Lookup.Status.BYPASS, loaded.ttlSeconds(),
                !result.collapsed() && loaded.ttlSeconds() >= 0, result.collapsed(), bypass,
                timings);
    }

    /** The leader's work: query PostgreSQL, then store what it said (even "no such row"). */
    private Loaded load(String storeAs, Loader loader) {
        long start = System.nanoTime();
        JsonValue data = loader.load();
        long postgresNanos = System.nanoTime() - start;
        if (storeAs == null) return new Loaded(data, -1, postgresNanos, 0);
        start = System.nanoTime();
        long ttl;
        try {
            ttl = data == null ? cache.put(storeAs, Cache.NOT_FOUND, notFoundTtlSeconds)
                    : cache.put(storeAs, data.toString(), ttlSeconds);
        } catch (Cache.Down e) {
            ttl = -1; // answered from PostgreSQL all the same; the next read tries Redis again
        }
        return new Loaded(data, ttl, postgresNanos, System.nanoTime() - start);
    }
}
