package gateway;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.ParseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import kit.Problem;
import kit.Request;
import kit.RequestId;

/**
 * {@code GET /api/overview}: the first users and products in one answer, asked of both
 * services at once through the routing table. If one part fails the answer is still a 200,
 * with {@code "partial": true} and, under {@code missing}, which part failed and why; only when
 * every part fails is it a 502 problem (504 when every part timed out).
 */
final class Overview {
    static final int ITEMS = 5;
    static final int MAX_PART_BYTES = 1 << 20;

    /** One part of the overview: its name and the gateway path it comes from. */
    private record Part(String name, String path) {}

    /** What one part brought back: a value, or the failure that replaced it. */
    private record Result(JsonObject value, Forwarder.Failure failure) {}

    private static final List<Part> PARTS = List.of(
            new Part("users", "/users"), new Part("products", "/products"));

    private final RouteTable table;
    private final Forwarder forwarder;
    private final Proxy.Guards guards;

    Overview(RouteTable table, Forwarder forwarder, Proxy.Guards guards) {
        this.table = table;
        this.forwarder = forwarder;
        this.guards = guards;
    }

    /** {@code OPTIONS /api/overview}: a browser's preflight, or the methods it allows. */
    void options(Request request) throws IOException {
        if (guards.cors().handle(request.exchange())) return;
        request.responseHeader("Allow", "GET, HEAD, OPTIONS").noContent();
    }

    /**
     * {@code GET /api/overview}, guarded like the routes it asks: CORS, and a token from the
     * rate limit of each part's route, since the client is asking for those parts.
     */
    void handle(Request request) throws IOException {
        guards.cors().handle(request.exchange());
        for (Part part : PARTS) {
            table.find(part.path())
                    .ifPresent(route -> guards.limiter()
                            .check(request.exchange(), route.prefix(), route.rate()));
        }
        String id = RequestId.current(); // thread-local: handed to each part's own thread
        Map<Part, CompletableFuture<Result>> calls = new LinkedHashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Part part : PARTS) {
                calls.put(part, CompletableFuture.supplyAsync(() -> fetch(part, id), threads));
            }
        } // closing the executor waits for every part; each is bounded by its route's timeout
        JsonObject body = Json.object().add("partial", false);
        JsonArray missing = new JsonArray();
        boolean allTimedOut = true;
        for (var call : calls.entrySet()) {
            Result result = call.getValue().join();
            if (result.failure() == null) {
                body.add(call.getKey().name(), result.value());
                continue;
            }
            body.add(call.getKey().name(), Json.NULL);
            missing.add(Json.object()
                    .add("part", call.getKey().name())
                    .add("status", result.failure().status)
                    .add("reason", result.failure().reason)
                    .add("detail", result.failure().getMessage()));
            allTimedOut &= result.failure().status == 504;
        }
        if (missing.size() == PARTS.size()) {
            int status = allTimedOut ? 504 : 502;
            throw Problem.of(status, "overview-unavailable",
                            status == 504 ? "Gateway Timeout" : "Bad Gateway",
                            "no part of the overview could be fetched")
                    .with("missing", missing);
        }
        request.respond(200, body.set("partial", !missing.isEmpty()).add("missing", missing));
    }

    private Result fetch(Part part, String requestId) {
        Result[] result = new Result[1];
        RequestId.with(requestId, () -> result[0] = fetch(part));
        return result[0];
    }

    private Result fetch(Part part) {
        Route route = table.find(part.path()).orElse(null);
        if (route == null) {
            return failed(502, "no-route", "the routing table has no route for " + part.path());
        }
        String target = route.upstreamPath(part.path()) + "?limit=" + ITEMS;
        try {
            HttpResponse<InputStream> response = forwarder.send(route, target, null, true,
                    upstream -> upstream.GET().header("Accept", "application/json")).response();
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_PART_BYTES + 1);
                if (response.statusCode() != 200) {
                    return failed(502, "status", route.upstream().host() + " answered "
                            + response.statusCode());
                }
                if (bytes.length > MAX_PART_BYTES) {
                    return failed(502, "too-large", "the answer is over " + MAX_PART_BYTES);
                }
                JsonObject value = Json.parse(new String(bytes, StandardCharsets.UTF_8))
                        .asObject();
                response.headers().firstValue("X-Served-By")
                        .ifPresent(instance -> value.add("served_by", instance));
                return new Result(value, null);
            }
        } catch (Forwarder.Failure failure) {
            return new Result(null, failure);
        } catch (IOException | ParseException | UnsupportedOperationException e) {
            return failed(502, "invalid-answer", "could not read the answer: " + e.getMessage());
        }
    }

    private static Result failed(int status, String reason, String detail) {
        return new Result(null, new Forwarder.Failure(status, reason, detail, false));
    }
}
