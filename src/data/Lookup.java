package data;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import kit.Problem;
import kit.Request;

/**
 * What one read found and how: the data (or {@code null} for a missing row), whether Redis
 * answered it, and what that cost. It renders the parts of an answer that teach the cache:
 * {@code X-Cache}, the RFC 9211 {@code Cache-Status} header and the body's fields. Built by
 * {@link CacheAside} in one expression ({@code Lookup.of(...).hit(37)}), read-only after.
 */
public final class Lookup {
    public enum Status { HIT, MISS, BYPASS }

    /**
     * Why a read skipped Redis: the client asked for fresh data, or Redis is down.
     *
     * @param reason a few words for the answer, never an address or a driver's message
     */
    public record Bypass(boolean requested, String reason) {
        static final Bypass REQUESTED =
                new Bypass(true, "the request said Cache-Control: no-cache");

        static Bypass redisDown(Cache.Down why) {
            return new Bypass(false, why.getMessage());
        }
    }

    private final String cache;
    private final String key;
    private final JsonValue data;
    private final Timings timings;
    private Status status = Status.MISS;
    private long ttlSeconds = -1;
    private boolean collapsed;
    private Bypass bypass;

    private Lookup(String cache, String key, JsonValue data, Timings timings) {
        this.cache = cache;
        this.key = key;
        this.data = data;
        this.timings = timings;
    }

    /** A miss that stored nothing (yet), by cache {@code cache} (its name in Cache-Status). */
    static Lookup of(String cache, String key, JsonValue data, Timings timings) {
        return new Lookup(cache, key, data, timings);
    }

    /** Answered by Redis, where the entry has {@code ttlSeconds} left. */
    Lookup hit(long ttlSeconds) {
        this.status = Status.HIT;
        this.ttlSeconds = ttlSeconds;
        return this;
    }

    /** Loaded from PostgreSQL and now in Redis for {@code ttlSeconds} (-1: not stored). */
    Lookup stored(long ttlSeconds) {
        this.ttlSeconds = ttlSeconds;
        return this;
    }

    /** The data came from another request's load (single flight): this one stored nothing. */
    Lookup collapsed(boolean collapsed) {
        this.collapsed = collapsed;
        return this;
    }

    /** Redis was skipped, for {@code why}. */
    Lookup bypassed(Bypass why) {
        this.status = Status.BYPASS;
        this.bypass = why;
        return this;
    }

    public JsonValue data() {
        return data;
    }

    public Timings timings() {
        return timings;
    }

    public boolean found() {
        return data != null;
    }

    /** Whether this request put the entry into Redis. */
    public boolean stored() {
        return status != Status.HIT && !collapsed && ttlSeconds >= 0;
    }

    /** Sets {@code X-Cache} and {@code Cache-Status} on the response. */
    public void headers(Request request) {
        request.responseHeader("X-Cache", status.name())
                .responseHeader("Cache-Status", cacheStatus());
    }

    /** The 404 for a missing row, with the same cache headers and fields as a 200. */
    public Problem notFound(String detail) {
        return Problem.notFound(detail)
                .header("X-Cache", status.name())
                .header("Cache-Status", cacheStatus())
                .with("source", Json.value(source()))
                .with("cache", cacheJson())
                .with("timings_ms", timings.toJson());
    }

    public String source() {
        return status == Status.HIT ? "cache" : "database";
    }

    /** RFC 9211: {@code catalog; hit; ttl=37}, {@code catalog; fwd=miss; stored; ttl=60}, … */
    public String cacheStatus() {
        StringBuilder value = new StringBuilder(cache);
        switch (status) {
            case HIT -> value.append("; hit");
            case MISS -> value.append("; fwd=miss");
            case BYPASS -> value.append(bypass.requested() ? "; fwd=request" : "; fwd=bypass");
        }
        if (stored()) value.append("; stored");
        if (collapsed) value.append("; collapsed");
        if (ttlSeconds >= 0) value.append("; ttl=").append(ttlSeconds);
        if (!found()) value.append("; detail=not-found");
        return value.toString();
    }

    public JsonObject cacheJson() {
        JsonObject json = Json.object()
                .add("status", status.name().toLowerCase())
                .add("key", key)
                .add("ttl_s", ttlSeconds >= 0 ? Json.value(ttlSeconds) : Json.NULL)
                .add("stored", stored())
                .add("collapsed", collapsed);
        if (bypass != null) json.add("bypass_reason", bypass.reason());
        return json;
    }
}
