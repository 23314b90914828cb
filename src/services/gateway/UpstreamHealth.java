package gateway;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import kit.Client;
import kit.Service;
import kit.Upstream;

/**
 * The {@code upstreams} part of the gateway's {@code /health}: the readiness of every replica of
 * every upstream, probed on their {@code /ready} at once; an upstream with no replica ready
 * makes the gateway "degraded" (still a 200: its own container healthcheck must not flap when an
 * upstream is down). Each replica is named by its instance (as in X-Served-By), never by its
 * address.
 *
 * <p>The probes' result is reused for {@link #FRESH_FOR}, and callers who come while a probe
 * runs wait for it: a flood of {@code /health} becomes at most one probe per replica that
 * often, not a flood upstream.
 */
final class UpstreamHealth {
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(800);
    static final Duration FRESH_FOR = Duration.ofSeconds(1);
    /** A replica's /ready answer is a few hundred bytes. */
    static final int MAX_READY_BYTES = 16 * 1024;

    private record Probed(JsonObject upstreams, boolean allUp, long atNanos) {}

    private final RouteTable table;
    private final HttpClient client;
    private final ReplicaMetrics replicas;
    private CompletableFuture<Probed> latest;

    /** Probes with {@code client}; learns each replica's name for {@code replicas}. */
    UpstreamHealth(RouteTable table, HttpClient client, ReplicaMetrics replicas) {
        this.table = table;
        this.client = client;
        this.replicas = replicas;
    }

    /** The upstreams as the latest probe found them (run now if none is fresh). */
    Service.Health report() {
        Probed probed = current().join();
        return new Service.Health(probed.upstreams(), probed.allUp());
    }

    /** The latest probe if it is fresh or still running; otherwise a new one. */
    private synchronized CompletableFuture<Probed> current() {
        if (latest != null && !latest.isCompletedExceptionally() && (!latest.isDone()
                || System.nanoTime() - latest.join().atNanos() < FRESH_FOR.toNanos())) {
            return latest;
        }
        latest = probeAll();
        return latest;
    }

    private CompletableFuture<Probed> probeAll() {
        List<CompletableFuture<JsonObject>> probes = new ArrayList<>();
        for (Upstream upstream : table.upstreams()) probes.add(probe(upstream));
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).thenApply(all -> {
            JsonObject upstreams = new JsonObject();
            boolean allUp = true;
            for (CompletableFuture<JsonObject> probe : probes) {
                JsonObject result = probe.join();
                allUp &= result.get("status").asString().equals("up");
                upstreams.add(result.get("name").asString(), result.remove("name"));
            }
            return new Probed(upstreams, allUp, System.nanoTime());
        });
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
        List<CompletableFuture<JsonObject>> states = new ArrayList<>();
        for (Upstream.Replica replica : replicas) states.add(ready(upstream, replica));
        return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(all -> {
            JsonArray lines = new JsonArray();
            boolean anyReady = false;
            for (int i = 0; i < replicas.size(); i++) {
                JsonObject line = states.get(i).join();
                anyReady |= line.get("state").asString().equals("ready");
                lines.add(line.add("set_aside", upstream.isEjected(replicas.get(i))));
            }
            return result.add("status", anyReady ? "up" : "down").add("replicas", lines);
        });
    }

    /**
     * The replica's state and name; one that does not answer keeps the name it last gave, so
     * that a page watching it sees which replica went down.
     */
    private CompletableFuture<JsonObject> ready(Upstream upstream, Upstream.Replica replica) {
        var request = Client.request(replica.uri("/ready"), PROBE_TIMEOUT).GET().build();
        return client.sendAsync(request, Client.textUpTo(MAX_READY_BYTES))
                .thenApply(UpstreamHealth::state)
                .thenApply(state -> {
                    JsonValue instance = state.get("instance");
                    if (instance.isString()) {
                        replicas.named(upstream, replica, instance.asString());
                    }
                    return state;
                })
                .exceptionally(e -> {
                    String known = replicas.name(upstream, replica);
                    return Json.object()
                            .add("instance", known == null ? Json.NULL : Json.value(known))
                            .add("state", "unreachable: " + (e.getCause() == null ? e
                                    : e.getCause()).getClass().getSimpleName());
                });
    }

    private static JsonObject state(HttpResponse<String> answer) {
        JsonValue instance = Json.NULL;
        try {
            JsonValue body = Json.parse(answer.body());
            if (body.isObject() && body.asObject().get("instance") != null) {
                instance = body.asObject().get("instance");
            }
        } catch (ParseException e) {
            // not our kit's /ready: the status alone says enough
        }
        return Json.object().add("instance", instance).add("state",
                answer.statusCode() == 200 ? "ready" : "not ready: " + answer.statusCode());
    }
}
