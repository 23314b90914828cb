package kit;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * A JSON service on the JDK's HttpServer: virtual threads, the routing table, request ids,
 * access log, metrics, one error shape, {@code /health}, {@code /ready}, {@code /metrics}, and
 * a graceful stop on SIGTERM. A service's {@code main} is one call to {@link #run}.
 */
public final class Service {
    /** Sets up a service's routes and dependencies before it starts listening. */
    @FunctionalInterface
    public interface Setup {
        void configure(Service service) throws Exception;
    }

    /** A dependency check for {@code /ready}: returns normally when up, throws when down. */
    @FunctionalInterface
    public interface Check {
        void verify() throws Exception;
    }

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_STOP_GRACE_SECONDS = 1;
    /** Connections the kernel queues before the server accepts them. */
    private static final int BACKLOG = 1024;

    private final String name;
    private final String instance = hostname();
    private final Instant started = Instant.now();
    private final Routes routes = new Routes();
    private final Metrics metrics = new Metrics();
    private final Map<String, Check> checks = new LinkedHashMap<>();
    private final List<Runnable> onStop = new ArrayList<>();
    private final int port = Config.integer("PORT", DEFAULT_PORT, 1, 65535);
    private final Limits limits = Limits.fromEnv();
    private final Admission admission = new Admission(limits, metrics);
    private final int stopGraceSeconds =
            Config.integer("STOP_GRACE_SECONDS", DEFAULT_STOP_GRACE_SECONDS, 0, 8);
    private volatile boolean stopping;
    private boolean trainsHttps;

    private Service(String name) {
        this.name = name;
        metrics.gauge("log_lines_dropped",
                "Log lines dropped because standard output could not keep up.",
                LogWriter::dropped);
    }

    /**
     * Configures and starts the service {@code name}. A configuration error or a failure to
     * listen is printed as one line and ends the process with status 2 (no stack trace).
     */
    public static void run(String name, Setup setup) {
        JdkDefaults.apply();
        try {
            Service service = new Service(name);
            service.limits.applyToJdk();
            setup.configure(service);
            service.start();
        } catch (Config.Invalid e) {
            Log.error(e.getMessage(), "service", name);
            exit(2);
        } catch (Exception e) {
            Log.error("cannot start: " + e, "service", name);
            exit(2);
        }
    }

    /**
     * Whether this run only records the image's AOT cache ({@code make build}): no configuration
     * and no dependencies are there, so a service skips them and starts with what it has.
     */
    public static boolean training() {
        return Training.enabled();
    }

    /** The routing table; register every route here, in one place. */
    public Routes routes() {
        return routes;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The container's host name, which tells replicas apart. */
    public String instance() {
        return instance;
    }

    /** Adds a dependency to {@code /ready}. */
    public Service readiness(String dependency, Check check) {
        checks.put(dependency, check);
        return this;
    }

    /**
     * For a service that may be given a keystore: its training run also opens one and sets up
     * TLS, so that the AOT cache holds those classes too.
     */
    public Service trainsHttps() {
        trainsHttps = true;
        return this;
    }

    /** Runs {@code action} after the server stopped (close pools, flush). */
    public Service onStop(Runnable action) {
        onStop.add(action);
        return this;
    }

    private void start() throws IOException {
        routes.get("/health", this::health).get("/ready", this::ready)
                .get("/metrics", this::scrape);
        Optional<Tls.Settings> tls = Tls.fromEnv();
        HttpServer server = tls.isPresent() ? httpsServer(tls.get())
                : listen(new InetSocketAddress(port));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        var context = server.createContext("/", this::dispatch);
        context.getFilters().add(new RequestId());
        context.getFilters().add(new AccessLog(metrics));
        context.getFilters().add(admission);
        if (tls.isPresent() && tls.get().hstsMaxAge() > 0) {
            context.getFilters().add(Tls.hsts(tls.get().hstsMaxAge()));
        }
        server.start();
        HttpServer redirect = tls.isPresent() && tls.get().redirect() ? redirect(tls.get()) : null;
        HttpServer health = tls.isPresent() ? loopbackHealth() : null;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (redirect != null) redirect.stop(0);
            if (health != null) health.stop(0);
            // A stop that finished every exchange ends with status 0 (a clean exit), rather
            // than the 143 the JVM gives for SIGTERM; one that ran out of grace keeps 143.
            if (stop(server)) Runtime.getRuntime().halt(0);
        }, "shutdown"));
        // The JVM's own clock: a process start time from /proc is only precise to a second.
        long sinceJvmStart = ManagementFactory.getRuntimeMXBean().getUptime();
        Log.info("listening", "service", name, "port", port, "instance", instance,
                "https_port", tls.map(t -> (Object) t.port()).orElse("off"),
                "plain_http", tls.map(t -> t.redirect() ? "redirect" : "off").orElse("on"),
                "startup_ms", sinceJvmStart);
        if (Training.enabled()) {
            try {
                if (trainsHttps) Tls.train();
                Training.run(port);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exit(0);
        }
    }

    private static HttpServer listen(InetSocketAddress address) throws IOException {
        return HttpServer.create(address, BACKLOG);
    }

    private static HttpServer httpsServer(Tls.Settings tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(tls.port()), BACKLOG);
        server.setHttpsConfigurator(Tls.configurator(tls));
        return server;
    }

    /** The plain port of a service with TLS: it only redirects to HTTPS. */
    private HttpServer redirect(Tls.Settings tls) throws IOException {
        HttpServer server = listen(new InetSocketAddress(port));
        // Its own threads: on HttpServer's dispatcher thread, one slow client would hold up
        // every other client's redirect.
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", Tls.redirect(tls.publicPort()));
        server.start();
        return server;
    }

    /**
     * With TLS, the healthcheck's own plain listener (see {@link Tls#healthPort}): GET /health
     * on 127.0.0.1, unreachable from outside the container.
     */
    private HttpServer loopbackHealth() throws IOException {
        HttpServer server =
                listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), Tls.healthPort()));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health", this::dispatch).getFilters().add(new RequestId());
        server.start();
        return server;
    }

    /** Stops within the grace; whether every exchange in flight finished. */
    private boolean stop(HttpServer server) {
        stopping = true;
        Log.info("stopping", "service", name, "grace_s", stopGraceSeconds);
        // HttpServer.stop closes the listener at once, then waits for the exchanges in flight,
        // but it never counts as done one whose client it cut off for being slow: it would
        // wait out the whole grace. So it runs aside, and the exchanges are counted here.
        Thread closing = Thread.ofPlatform().start(() -> server.stop(stopGraceSeconds));
        long deadline = System.nanoTime() + stopGraceSeconds * 1_000_000_000L;
        int idlePolls = 0;
        while (closing.isAlive() && System.nanoTime() < deadline && idlePolls < 3) {
            idlePolls = admission.inFlight() == 0 ? idlePolls + 1 : 0;
            pause(Duration.ofMillis(10));
        }
        boolean drained = admission.inFlight() == 0;
        onStop.forEach(Runnable::run);
        Log.info("stopped", "service", name);
        Log.flush();
        return drained;
    }

    private static void exit(int status) {
        Log.flush();
        System.exit(status);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            answer(exchange);
        } catch (IOException e) {
            // Writing the answer failed: the client went away, or HttpServer's request timeout
            // closed the connection of a client that stopped sending. Nobody is left to tell.
            Log.info("client gone", "error", e.toString());
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        Request request = null;
        try {
            Routes.Match match = routes.find(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath());
            AccessLog.ROUTE.set(match.pattern());
            request = new Request(exchange, match.params(), limits.maxBodyBytes(), admission);
            match.handler().handle(request);
        } catch (Problem problem) {
            if (exchange.getResponseCode() == -1) problem.send(exchange);
        } catch (IOException | RuntimeException e) {
            Log.error("unhandled", "error", e.toString(), "at", firstFrame(e));
            if (exchange.getResponseCode() == -1) {
                Problem.of(500, "internal", "Internal Server Error",
                        "the service failed; the log line with this request_id says why")
                        .send(exchange);
            }
        } finally {
            if (request != null) request.releaseBody();
        }
        if (exchange.getResponseCode() == -1) {
            Problem.of(500, "no-response", "Internal Server Error", "no response was written")
                    .send(exchange);
        }
    }

    private static String firstFrame(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length == 0 ? "?" : trace[0].toString();
    }

    private void health(Request request) throws IOException {
        request.respond(stopping ? 503 : 200, Json.object()
                .add("status", stopping ? "stopping" : "up")
                .add("service", name)
                .add("instance", instance)
                .add("uptime_s", Duration.between(started, Instant.now()).toSeconds())
                .add("jvm", jvmView()));
    }

    /**
     * The container's limits as this JVM sees them (cgroups), for `make explain-N`: the "jvm"
     * object of every service's {@code /health}, a service's own included.
     */
    public static JsonObject jvmView() {
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

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
