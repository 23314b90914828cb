package catalog;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import kit.Problem;
import kit.Request;

/**
 * What one read found and how: the data (or {@code null} for a missing product), whether Redis
 * answered it, and what that cost. It renders the parts of the combined response that teach
 * the cache: {@code X-Cache}, the RFC 9211 {@code Cache-Status} header and the body's fields.
 *
 * @param ttlSeconds the entry's remaining time to live in Redis, or -1 if it is not there
 * @param stored whether this request put the entry into Redis
 * @param collapsed whether the data came from another request's load (single flight)
 * @param bypassReason why Redis was not used, for a bypass
 */
record Lookup(String key, JsonValue data, Status status, long ttlSeconds, boolean stored,
        boolean collapsed, String bypassReason, Timings timings) {

    enum Status { HIT, MISS, BYPASS }

    /** The reason given when a request asks for fresh data with {@code Cache-Control}. */
    static final String REQUESTED = "the request said Cache-Control: no-cache";

    boolean found() {
        return data != null;
    }

    /** Sets {@code X-Cache} and {@code Cache-Status} on the response. */
    void headers(Request request) {
        request.header("X-Cache", status.name()).header("Cache-Status", cacheStatus());
    }

    /** The 404 for a missing product, with the same cache headers and fields as a 200. */
    Problem notFound(String detail) {
        return Problem.notFound(detail)
                .header("X-Cache", status.name())
                .header("Cache-Status", cacheStatus())
                .with("source", Json.value(source()))
                .with("cache", cacheJson())
                .with("timings_ms", timings.toJson());
    }

    String source() {
        return status == Status.HIT ? "cache" : "database";
    }

    /** RFC 9211: {@code catalog; hit; ttl=37}, {@code catalog; fwd=miss; stored; ttl=60}, … */
    String cacheStatus() {
        StringBuilder value = new StringBuilder("catalog");
        switch (status) {
            case HIT -> value.append("; hit");
            case MISS -> value.append("; fwd=miss");
            case BYPASS -> value.append(bypassReason.equals(REQUESTED) ? "; fwd=request"
                    : "; fwd=bypass");
        }
        if (stored) value.append("; stored");
        if (collapsed) value.append("; collapsed");
        if (ttlSeconds >= 0) value.append("; ttl=").append(ttlSeconds);
        if (!found()) value.append("; detail=not-found");
        return value.toString();
    }

    JsonObject cacheJson() {
        JsonObject cache = Json.object()
                .add("status", status.name().toLowerCase())
                .add("key", key)
                .add("ttl_s", ttlSeconds >= 0 ? Json.value(ttlSeconds) : Json.NULL)
                .add("stored", stored)
                .add("collapsed", collapsed);
        if (bypassReason != null) cache.add("bypass_reason", bypassReason);
        return cache;
    }
}
