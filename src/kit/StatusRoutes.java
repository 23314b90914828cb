package kit;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The routes every service has: {@code GET /health} (is the process up, and how it sees its
 * container), {@code GET /ready} (can it serve: its dependencies) and {@code GET /metrics}.
 * A service adds to them rather than replacing them: readiness checks, and parts of /health.
 */
final class StatusRoutes {
    private final String name;
    private final String instance;
    private final Metrics metrics;
    private final Instant started = Instant.now();
    private final Map<String, Service.Check> checks = new LinkedHashMap<>();
    private final Map<String, Service.HealthPart> parts = new LinkedHashMap<>();
    private volatile boolean stopping;

    StatusRoutes(String name, String instance, Metrics metrics) {
        this.name = name;
        this.instance = instance;
        this.metrics = metrics;
    }

    void addTo(Routes routes) {
        routes.get("/health", this::health).get("/ready", this::ready).get("/metrics", this::scrape);
    }

    void check(String dependency, Service.Check check) {
        checks.put(dependency, check);
    }

    void part(String field, Service.HealthPart part) {
        parts.put(field, part);
    }

    /** From now on /health and /ready say the service is stopping (503). */
    void stopping() {
        stopping = true;
    }

    /**
     * Always 200 while the process runs, so the container's healthcheck does not flap when a
     * dependency is down: a part that is not well makes the status "degraded", not a 503.
     */
    private void health(Request request) throws IOException {
        JsonObject body = Json.object()
                .add("status", "up")
                .add("service", name)
                .add("instance", instance)
                .add("uptime_s", Duration.between(started, Instant.now()).toSeconds())
                .add("jvm", jvmView());
        boolean well = true;
        for (var part : parts.entrySet()) {
            Service.Health health = part.getValue().report();
            body.add(part.getKey(), health.value());
            well &= health.well();
        }
        if (!well) body.set("status", "degraded");
        if (stopping) body.set("status", "stopping");
        request.respond(stopping ? 503 : 200, body);
    }

    /** The container's limits as this JVM sees them (cgroups), for `make explain-N`. */
    private static JsonObject jvmView() {
        Runtime runtime = Runtime.getRuntime();
        return Json.object()
                .add("available_processors", runtime.availableProcessors())
                .add("max_heap_mb", runtime.maxMemory() / (1024 * 1024))
                .add("version", Runtime.version().toString());
    }

    private void ready(Request request) throws IOException {
        JsonObject results = new JsonObject();
        boolean ready = !stopping;
        for (var entry : checks.entrySet()) {
            try {
                entry.getValue().verify();
                results.add(entry.getKey(), "up");
            } catch (Exception e) {
                ready = false;
                results.add(entry.getKey(), "down: " + e.getMessage());
            }
        }
        request.respond(ready ? 200 : 503, Json.object()
                .add("status", ready ? "ready" : "not ready")
                .add("service", name)
                .add("instance", instance)
                .add("checks", results));
    }

    private void scrape(Request request) throws IOException {
        Responses.text(request.exchange(), 200, "text/plain; version=0.0.4", metrics.scrape());
    }
}
