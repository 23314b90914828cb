package gateway;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import kit.Client;
import kit.Request;
import kit.Service;
import kit.Upstream;

/**
 * The gateway's {@code GET /health}: always 200 while the gateway itself runs (so its container
 * healthcheck does not flap when an upstream is down), with status "up" or "degraded" and the
 * readiness of every replica of every upstream, probed on their {@code /ready} at once.
 */
final class UpstreamHealth {
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(800);

    private final RouteTable table;
    private final HttpClient client;
    private final String instance;
    private final Instant started = Instant.now();

    UpstreamHealth(RouteTable table, HttpClient client, String instance) {
        this.table = table;
        this.client = client;
        this.instance = instance;
    }

    void handle(Request request) throws IOException {
        List<CompletableFuture<JsonObject>> probes = new ArrayList<>();
        for (Upstream upstream : table.upstreams()) probes.add(probe(upstream));
        JsonObject upstreams = new JsonObject();
        boolean allUp = true;
        for (CompletableFuture<JsonObject> probe : probes) {
            JsonObject result = probe.join();
            allUp &= result.get("status").asString().equals("up");
            upstreams.add(result.get("name").asString(), result.remove("name"));
        }
        request.respond(200, Json.object()
                .add("status", allUp ? "up" : "degraded")
                .add("service", "gateway")
                .add("instance", instance)
                .add("uptime_s", Duration.between(started, Instant.now()).toSeconds())
                .add("jvm", Service.jvmView())
                .add("upstreams", upstreams));
    }

    /** "up" when at least one replica is ready, with one line per replica. */
    private CompletableFuture<JsonObject> probe(Upstream upstream) {
        JsonObject result = Json.object().add("name", upstream.host());
        List<Upstream.Replica> replicas;
        try {
            replicas = upstream.replicas();
        } catch (Upstream.NoReplicas e) {
            return CompletableFuture.completedFuture(
                    result.add("status", "down").add("detail", e.getMessage()));
        }
        List<CompletableFuture<String>> states = new ArrayList<>();
        for (Upstream.Replica replica : replicas) states.add(ready(replica));
        return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(all -> {
            JsonArray lines = new JsonArray();
            boolean anyReady = false;
            for (int i = 0; i < replicas.size(); i++) {
                String state = states.get(i).join();
                anyReady |= state.equals("ready");
                lines.add(Json.object()
                        .add("address", replicas.get(i).toString())
                        .add("state", state)
                        .add("set_aside", upstream.isEjected(replicas.get(i))));
            }
            return result.add("status", anyReady ? "up" : "down").add("replicas", lines);
        });
    }

    private CompletableFuture<String> ready(Upstream.Replica replica) {
        var request = Client.request(replica.uri("/ready"), PROBE_TIMEOUT).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> r.statusCode() == 200 ? "ready" : "not ready: " + r.statusCode())
                .exceptionally(e -> "unreachable: " + e.getCause().getClass().getSimpleName());
    }
}
