package catalog;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;

/**
 * How long one request waited on each dependency, for the combined response: it shows at a
 * glance what a cache hit saves. A dependency the request did not use shows {@code null}.
 */
final class Timings {
    private final long start = System.nanoTime();
    private long redisNanos = -1;
    private long postgresNanos = -1;

    /** Adds the time since {@code startNanos} (a {@link System#nanoTime()}) to Redis. */
    void redisSince(long startNanos) {
        redisNanos = add(redisNanos, System.nanoTime() - startNanos);
    }

    void redis(long nanos) {
        redisNanos = add(redisNanos, nanos);
    }

    /** Adds {@code nanos} spent on PostgreSQL, or waiting for another request's query. */
    void postgres(long nanos) {
        postgresNanos = add(postgresNanos, nanos);
    }

    JsonObject toJson() {
        return Json.object()
                .add("redis", millis(redisNanos))
                .add("postgres", millis(postgresNanos))
                .add("total", millis(System.nanoTime() - start));
    }

    private static long add(long sum, long nanos) {
        return Math.max(sum, 0) + nanos;
    }

    private static JsonValue millis(long nanos) {
        return nanos < 0 ? Json.NULL : Json.value(Math.round(nanos / 10_000.0) / 100.0);
    }
}
