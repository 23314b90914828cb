package serviceb;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import kit.Config;
import kit.Log;
import kit.Metrics;
import kit.Problem;
import kit.Request;
import kit.Service;
import kit.Upstream;

/**
 * Service B of challenge 4: profiles composed from the users of service A, which it calls by
 * its service name over their internal network. B is the only one with a published port.
 * Timeouts, retries and a circuit breaker keep B answering, quickly and with a problem, when A
 * is slow, stopped or gone.
 */
public final class Main {
    public static final String DEFAULT_A_HOST = "service-a";
    public static final int DEFAULT_A_PORT = 8080;
    public static final int DEFAULT_A_CONNECT_TIMEOUT_MS = 500;
    public static final int DEFAULT_A_TIMEOUT_MS = 1500;
    public static final int DEFAULT_A_RETRIES = 2;
    public static final int DEFAULT_A_BACKOFF_MS = 50;
    /** How long a replica that failed is skipped, unless no other is left. */
    public static final int DEFAULT_A_EJECT_MS = 5000;
    public static final int DEFAULT_BREAKER_FAILURES = 5;
    public static final int DEFAULT_BREAKER_OPEN_MS = 5000;

    private final Service service;
    private final UsersClient users;

    private Main(Service service, UsersClient users) {
        this.service = service;
        this.users = users;
    }

    public static void main(String[] args) {
        Service.run("service-b", service -> {
            UsersClient users = usersClient(service.metrics());
            Main b = new Main(service, users);
            service.routes()
                    .get("/profiles", b::handleList)
                    .get("/profiles/{id}", b::handleOne);
            service.readiness("service-a", users::checkReachable);
        });
    }

    /** {@code GET /profiles[?status=active|suspended]}: every user's profile, in id order. */
    private void handleList(Request request) throws IOException {
        Optional<String> status = request.query("status");
        if (status.isPresent() && !status.get().matches("active|suspended")) {
            throw Problem.badRequest("query parameter status must be active or suspended, got \""
                    + status.get() + "\"");
        }
        String query = status.map(s -> "?status=" + s).orElse("");
        Answer answer = users.get("/users" + query);
        JsonObject list = expectOk(answer);
        JsonArray profiles = Profile.all(list, today());
        request.respond(200, new JsonObject()
                .add("count", profiles.size())
                .add("profiles", profiles)
                .add("served_by", servedBy(list)));
    }

    /** {@code GET /profiles/{id}}: one user's profile; A's 404 is B's 404. */
    private void handleOne(Request request) throws IOException {
        long id = request.id("id");
        Answer answer = users.get("/users/" + id);
        if (answer.status() == 404) throw Problem.notFound("no user with id " + id);
        JsonObject user = expectOk(answer);
        request.respond(200, Profile.of(user, today()).add("served_by", servedBy(user)));
    }

    /** A's body when it answered 200; any other answer means B asked wrongly: a 502. */
    private static JsonObject expectOk(Answer answer) {
        if (answer.status() == 200) return answer.body();
        throw Problem.of(502, "bad-gateway", "Bad Gateway",
                "service A answered " + answer.status() + " to a request B thought valid");
    }

    private JsonObject servedBy(JsonObject answerOfA) {
        return new JsonObject()
                .add("b", service.instance())
                .add("a", Profile.text(answerOfA, "served_by"));
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    private static UsersClient usersClient(Metrics metrics) {
        String host = Config.string("A_HOST", DEFAULT_A_HOST);
        int port = Config.integer("A_PORT", DEFAULT_A_PORT, 1, 65535);
        Duration connect = millis("A_CONNECT_TIMEOUT_MS", DEFAULT_A_CONNECT_TIMEOUT_MS);
        Duration timeout = millis("A_TIMEOUT_MS", DEFAULT_A_TIMEOUT_MS);
        int retries = Config.integer("A_RETRIES", DEFAULT_A_RETRIES, 0, 2);
        Duration backoff = millis("A_BACKOFF_MS", DEFAULT_A_BACKOFF_MS);
        Duration eject = millis("A_EJECT_MS", DEFAULT_A_EJECT_MS);
        int failures = Config.integer("BREAKER_FAILURES", DEFAULT_BREAKER_FAILURES, 1, 1000);
        Duration open = millis("BREAKER_OPEN_MS", DEFAULT_BREAKER_OPEN_MS);
        CircuitBreaker breaker = new CircuitBreaker(failures, open, System::nanoTime,
                breakerLog(host, metrics));
        metrics.gauge("breaker_state", "The breaker's state: 0 closed, 1 half-open, 2 open.",
                () -> breaker.state().ordinal());
        return new UsersClient(new Upstream(host, port, eject), connect, timeout, retries,
                new Backoff(backoff), breaker, metrics);
    }

    /** Counts and logs every change of the breaker's state. */
    private static CircuitBreaker.Listener breakerLog(String host, Metrics metrics) {
        Metrics.Counter opened = metrics.counter("breaker_opened_total",
                "Times the circuit breaker opened (closed or half-open to open).");
        Metrics.Counter halfOpened = metrics.counter("breaker_half_opened_total",
                "Times the circuit breaker let one trial call through.");
        Metrics.Counter closed = metrics.counter("breaker_closed_total",
                "Times a trial call succeeded and closed the circuit breaker.");
        return (from, to) -> {
            switch (to) {
                case OPEN -> opened.inc();
                case HALF_OPEN -> halfOpened.inc();
                case CLOSED -> closed.inc();
            }
            Log.warn("circuit breaker", "dependency", host, "from", name(from),
                    "to", name(to));
        };
    }

    private static String name(CircuitBreaker.State state) {
        return state.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Duration millis(String name, int defaultValue) {
        return Config.millis(name, defaultValue, 1, 600_000);
    }
}
