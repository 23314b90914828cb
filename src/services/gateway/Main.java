package gateway;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import kit.Client;
import kit.Config;
import kit.Log;
import kit.Service;

/**
 * Challenge 5's API gateway: a reverse proxy driven by a routing table file, spreading each
 * route over every replica of its upstream, plus one endpoint of its own that combines both
 * services. Configuration: ROUTES_FILE, CONNECT_TIMEOUT_MS, EJECT_SECONDS, API_KEYS_FILE (for
 * routes with writes=key), RATE_LIMIT_CLIENTS, CORS_ORIGINS, DASHBOARD (and the kit's PORT).
 */
public final class Main {
    static final String DEFAULT_ROUTES_FILE = "/etc/gateway/routes.conf";
    static final int DEFAULT_CONNECT_TIMEOUT_MS = 1000;
    static final int DEFAULT_EJECT_SECONDS = 10;
    static final String DEFAULT_CORS_ORIGINS = "";

    private Main() {}

    public static void main(String[] args) {
        Service.run("gateway", service -> {
            service.trainsHttps(); // challenge 5 gives it a keystore
            Path file = Path.of(Config.string("ROUTES_FILE", DEFAULT_ROUTES_FILE));
            Duration connect =
                    Config.millis("CONNECT_TIMEOUT_MS", DEFAULT_CONNECT_TIMEOUT_MS, 1, 60_000);
            Duration eject = Duration.ofSeconds(
                    Config.integer("EJECT_SECONDS", DEFAULT_EJECT_SECONDS, 0, 3600));
            RouteTable table = Service.isTrainingRun() && !Files.exists(file)
                    ? trainingTable(eject)
                    : RouteTable.load(file, eject);
            HttpClient quick = Forwarder.quickClient(connect);
            ReplicaMetrics replicas = new ReplicaMetrics(service.metrics(), table.upstreams());
            Forwarder forwarder = new Forwarder(quick, Client.create(connect), replicas);
            ProxyMetrics metrics = new ProxyMetrics(service.metrics());
            RateLimiter limiter = new RateLimiter(Config.integer("RATE_LIMIT_CLIENTS",
                    RateLimiter.DEFAULT_MAX_BUCKETS, 1, 10_000_000));
            Cors cors = Cors.of(Config.string("CORS_ORIGINS", DEFAULT_CORS_ORIGINS));
            Proxy.Guards guards = new Proxy.Guards(cors, limiter, apiKeys(table));
            Proxy proxy = new Proxy(table, forwarder, metrics, guards);
            Overview overview = new Overview(table, forwarder, guards);
            service.health("upstreams", new UpstreamHealth(table, quick, replicas)::report);
            // The gateway's own routes come first; every other request is proxied.
            service.routes()
                    .get("/api/overview", overview::handle)
                    .add("OPTIONS", "/api/overview", overview::options)
                    .fallback(proxy::handle);
            Dashboard.fromEnv(table).ifPresent(dashboard -> service.routes()
                    .get("/dashboard", dashboard::page)
                    .get("/dashboard/{file}", dashboard::file));
            for (Route route : table.routes()) {
                Log.info("route", "prefix", route.prefix(), "upstream", route.upstream().host(),
                        "rewrite", route.rewrite(), "timeout_ms", route.timeout().toMillis(),
                        "max_body", route.maxBody(), "writes", route.writeKey() ? "key" : "open",
                        "rate", route.rate() == null ? "none" : route.rate().text()
                                + " burst " + route.rate().burst(), "line", route.line());
            }
            Log.info("cors", "origins", String.join(",", cors.origins()));
        });
    }

    /**
     * The keys in API_KEYS_FILE. A route with writes=key and no key to accept stops the
     * gateway: it would refuse every write, which is never what was meant.
     */
    private static ApiKeys apiKeys(RouteTable table) throws SetupError {
        String file = Config.string("API_KEYS_FILE", "");
        ApiKeys keys = file.isEmpty() ? ApiKeys.none() : ApiKeys.load(Path.of(file));
        for (Route route : table.routes()) {
            if (route.writeKey() && keys.size() == 0) {
                throw new SetupError("route " + route.prefix() + " (line " + route.line()
                        + ") has writes=key but API_KEYS_FILE " + (file.isEmpty() ? "is not set"
                        : file + " holds no key"));
            }
        }
        if (!file.isEmpty()) Log.info("api keys", "file", file, "keys", keys.size());
        return keys;
    }

    /**
     * The image build's training run (the kit's AOT cache) starts the gateway without a routes
     * file: one route back to the gateway itself lets it train the proxy's code path too.
     */
    private static RouteTable trainingTable(Duration eject) throws SetupError {
        int port = Config.integer("PORT", Service.DEFAULT_PORT, 1, 65535);
        return RouteTable.parse("training routes", List.of(
                "/no-such-path 127.0.0.1:" + port + " rewrite=/metrics timeout=2s"), eject);
    }
}
