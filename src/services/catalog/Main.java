package catalog;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import data.Cache;
import data.CacheAside;
import data.Database;
import data.Dependency;
import data.Lookup;
import data.Postgres;
import data.Redis;
import data.Timings;
import java.io.IOException;
import java.util.List;
import kit.Log;
import kit.Problem;
import kit.Request;
import kit.Service;

/**
 * Challenge 3's catalog: products in PostgreSQL, read through a Redis cache (cache-aside).
 * Every answer says where its data came from, what the cache did and what each dependency
 * cost, so the cache's effect can be watched with curl. Writes go to PostgreSQL, then delete
 * the cached copies.
 */
public final class Main {
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;
    /** Deep offsets make PostgreSQL read and skip every row before them; cap the cost. */
    static final int MAX_OFFSET = 10_000;

    private final Cache cache;
    private final CacheAside reads;
    private final ProductStore store;

    public static void main(String[] args) {
        Service.run("catalog", service -> {
            Main catalog = new Main(service, Postgres.fromEnvironment("catalog"),
                    Redis.fromEnvironment("catalog"));
            service.routes()
                    .get("/products", catalog::handleList)
                    .post("/products", catalog::handleCreate)
                    .get("/products/{id}", catalog::handleGet)
                    .put("/products/{id}", catalog::handleUpdate);
        });
    }

    private Main(Service service, Postgres postgres, Redis redis) {
        Database database = new Database(postgres, service.metrics());
        cache = new Cache(redis, "product");
        reads = new CacheAside(cache, redis, postgres.queryTimeout(), service.metrics());
        store = new ProductStore(database);
        Dependency.watch(service, "catalog", database.health(), cache.health());
        service.onStop(cache::close).onStop(database::close);
    }

    private void handleList(Request request) throws IOException {
        int limit = request.queryInt("limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        int offset = request.queryInt("offset", 0, 0, MAX_OFFSET);
        Lookup lookup = reads.read(request, cache.keys().listPage(limit, offset),
                () -> store.list(limit, offset));
        JsonObject page = Json.object().add("limit", limit).add("offset", offset)
                .add("count", lookup.data().asArray().size());
        respond(request, 200, lookup, body(lookup).add("page", page));
    }

    private void handleGet(Request request) throws IOException {
        long id = request.id("id");
        Lookup lookup = reads.read(request, cache.keys().item(id), () -> store.find(id));
        if (!lookup.found()) throw lookup.notFound("no product with id " + id);
        respond(request, 200, lookup, body(lookup).add("views", countView(id, lookup)));
    }

    private void handleCreate(Request request) throws IOException {
        Product product = Product.from(request.jsonObject());
        Timings timings = new Timings();
        // Its id is unknown until it commits: a late create invalidates the list pages only.
        JsonObject created =
                timings.postgres(() -> store.create(product, () -> invalidateLate(0)));
        long id = created.get("id").asLong();
        // A "not found" cached for this id, and every list page, are now wrong.
        JsonValue invalidated = invalidate(id, timings);
        request.responseHeader("Location", "/products/" + id);
        written(request, 201, created, invalidated, timings);
    }

    private void handleUpdate(Request request) throws IOException {
        long id = request.id("id");
        Product product = Product.from(request.jsonObject());
        Timings timings = new Timings();
        JsonObject updated =
                timings.postgres(() -> store.update(id, product, () -> invalidateLate(id)));
        if (updated == null) throw Problem.notFound("no product with id " + id);
        written(request, 200, updated, invalidate(id, timings), timings);
    }

    /**
     * A write answered 503 (no answer within the deadline) has ended since, and may have
     * committed: the cached copies it may have made stale go, product {@code id} (0: unknown)
     * and the list pages.
     */
    private void invalidateLate(long id) {
        List<String> keys = cache.invalidate(id);
        Log.info("late write ended", "product", id, "invalidated",
                keys == null ? "pending until Redis is back" : String.join(",", keys));
    }

    private static JsonObject body(Lookup lookup) {
        return Json.object()
                .add("data", lookup.data())
                .add("source", lookup.source())
                .add("cache", lookup.cacheJson());
    }

    private static void respond(Request request, int status, Lookup lookup, JsonObject body)
            throws IOException {
        lookup.headers(request);
        request.respond(status, body.add("timings_ms", lookup.timings().toJson()));
    }

    /** The view counter in Redis ({@code INCR}), or {@code null} while Redis is down. */
    private JsonValue countView(long id, Lookup lookup) {
        try {
            return Json.value(lookup.timings().redis(() -> cache.countView(id)));
        } catch (Cache.Down e) {
            return Json.NULL;
        }
    }

    /**
     * Deletes the cached copies of product {@code id} (0: the list pages only): what was
     * invalidated, or null if that must wait for Redis.
     */
    private JsonValue invalidate(long id, Timings timings) {
        List<String> keys = timings.redis(() -> cache.invalidate(id));
        if (keys == null) return Json.NULL;
        JsonArray deleted = new JsonArray();
        keys.forEach(deleted::add);
        return deleted;
    }

    /** A write's answer: the row, and which cached copies were deleted because of it. */
    private static void written(Request request, int status, JsonObject row,
            JsonValue invalidated, Timings timings) throws IOException {
        // RFC 9211 "fwd=method": a write always goes to the origin, here PostgreSQL.
        request.responseHeader("X-Cache", "BYPASS")
                .responseHeader("Cache-Status", "catalog; fwd=method");
        JsonObject cacheInfo = Json.object().add("status", "bypass")
                .add("invalidated", invalidated)
                .add("invalidation_pending", invalidated.isNull());
        request.respond(status, Json.object()
                .add("data", row)
                .add("source", "database")
                .add("cache", cacheInfo)
                .add("timings_ms", timings.toJson()));
    }
}
