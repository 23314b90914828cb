package data;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;

/**
 * How long one request waited on each dependency, for the combined response: it shows at a
 * glance what a cache hit saves. A dependency the request did not use shows {@code null}.
 */
public final class Timings {
    /** Work whose duration counts towards one dependency. */
    @FunctionalInterface
    public interface Timed<T, E extends Exception> {
        T run() throws E;
    }

    private final long start = System.nanoTime();
    private long redisNanos = -1;
    private long postgresNanos = -1;

    /** Runs {@code work} and adds its duration, whatever its outcome, to PostgreSQL's. */
    public <T, E extends Exception> T postgres(Timed<T, E> work) throws E {
        long begin = System.nanoTime();
        try {
            return work.run();
        } finally {
            postgres(System.nanoTime() - begin);
        }
    }

    /** Runs {@code work} and adds its duration, whatever its outcome, to Redis'. */
    public <T, E extends Exception> T redis(Timed<T, E> work) throws E {
        long begin = System.nanoTime();
        try {
            return work.run();
        } finally {
            redisNanos = add(redisNanos, System.nanoTime() - begin);
        }
    }

    /** Adds {@code nanos} spent on PostgreSQL, or waiting for another request's query. */
    void postgres(long nanos) {
        postgresNanos = add(postgresNanos, nanos);
    }

    public JsonObject toJson() {
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
