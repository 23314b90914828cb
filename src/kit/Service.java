package kit;

import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A JSON service on the JDK's HttpServer: the routing table, request ids, access log, metrics,
 * bounds on what clients can make it hold, one error shape, {@code /health}, {@code /ready},
 * {@code /metrics}, and a graceful stop on SIGTERM. A service's {@code main} is one call to
 * {@link #run}; the pieces are {@link Listeners}, {@link Dispatch} and {@link StatusRoutes}.
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

    /** One field a service adds to its {@code /health}, and whether all is well with it. */
    public record Health(JsonValue value, boolean well) {}

    /** Reports a {@link Health} each time {@code /health} is asked. */
    @FunctionalInterface
    public interface HealthPart {
        Health report();
    }

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_STOP_GRACE_SECONDS = 1;

    private final String name;
    private final String instance = hostname();
    private final Routes routes = new Routes();
    private final Metrics metrics = new Metrics();
    private final StatusRoutes status;
    private final List<Runnable> onStop = new ArrayList<>();
    private final int port = Config.integer("PORT", DEFAULT_PORT, 1, 65535);
    private final Limits limits = Limits.fromEnv();
    private final Admission admission = new Admission(limits, metrics);
    private final Duration stopGrace = Duration.ofSeconds(
            Config.integer("STOP_GRACE_SECONDS", DEFAULT_STOP_GRACE_SECONDS, 0, 8));
    private boolean trainsHttps;

    private Service(String name) {
        this.name = name;
        status = new StatusRoutes(name, instance, metrics);
        status.addTo(routes);
        metrics.gauge("log_lines_dropped",
                "Log lines dropped because standard output could not keep up.",
                LogWriter::dropped);
        JvmMetrics.register(metrics);
        // One series per process: which service and container this scrape came from (Prometheus
        // knows a target by its address only).
        metrics.gauge("service_info", "The service and its container's host name; always 1.",
                () -> 1, "service", name, "host", instance);
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
     * Whether this run only records the image's AOT cache (the image build): no configuration
     * and no dependencies are there, so a service skips them and starts with what it has.
     */
    public static boolean isTrainingRun() {
        return Training.isRunning();
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
        status.check(dependency, check);
        return this;
    }

    /** Adds {@code field} to {@code /health}; a part not well makes the status "degraded". */
    public Service health(String field, HealthPart part) {
        status.part(field, part);
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
        Optional<Tls.Settings> tls = Tls.fromEnv();
        Listeners listeners = Listeners.open(port, tls,
                new Dispatch(routes, limits, admission), metrics, admission);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // A stop that finished every exchange ends with status 0 (a clean exit), rather
            // than the 143 the JVM gives for SIGTERM; one that ran out of grace keeps 143.
            if (stop(listeners)) Runtime.getRuntime().halt(0);
        }, "shutdown"));
        // The JVM's own clock: a process start time from /proc is only precise to a second.
        long sinceJvmStart = ManagementFactory.getRuntimeMXBean().getUptime();
        Log.info("listening", "service", name, "port", port, "instance", instance,
                "https_port", tls.map(t -> (Object) t.port()).orElse("off"),
                "plain_http", tls.map(t -> t.redirect() ? "redirect" : "off").orElse("on"),
                "startup_ms", sinceJvmStart);
        if (Training.isRunning()) {
            try {
                if (trainsHttps) Tls.train();
                Training.run(port);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exit(0);
        }
    }

    /** Stops within the grace; whether every exchange in flight finished. */
    private boolean stop(Listeners listeners) {
        status.stopping();
        Log.info("stopping", "service", name, "grace_s", stopGrace.toSeconds());
        boolean drained = listeners.stop(stopGrace, admission::inFlight);
        onStop.forEach(Runnable::run);
        Log.info("stopped", "service", name);
        Log.flush();
        return drained;
    }

    private static void exit(int status) {
        Log.flush();
        System.exit(status);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
