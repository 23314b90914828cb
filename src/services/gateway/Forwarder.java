package gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import kit.CallFailure;
import kit.Client;
import kit.Log;
import kit.Upstream;

/**
 * Sends one request to a route's upstream: takes its replicas in turn, sets aside one that
 * fails, and retries on another replica when no connection could be made and the request can
 * safely be sent again.
 *
 * <p>A replica is set aside only for a failure that is its own, one no client can cause: it
 * refused the connection or accepted none in time, it did not answer within the route's
 * timeout, or the connection broke (before or during its answer) while the client's body, if
 * any, had arrived whole. An answer is the replica's answer, whatever its status, and passes to
 * the client: a client can make a healthy replica answer 5xx (an upload it sheds, a request
 * that runs into a limit), and setting replicas aside for that would hand clients a way to
 * take the service down.
 */
final class Forwarder {
    static final int MAX_ATTEMPTS = 3;

    /**
     * No answer: {@code status} is 502 or 504, or 400 or 408 when the client's body broke off
     * or came too slowly. The detail names the route and the failure, never an address.
     */
    static final class Failure extends Exception {
        final int status;
        final String reason;
        /** No connection was made: another replica may take the request safely. */
        final boolean sentNothing;

        Failure(int status, String reason, String detail, boolean sentNothing) {
            super(detail, null, false, false);
            this.status = status;
            this.reason = reason;
            this.sentNothing = sentNothing;
        }
    }

    /** An upstream's answer (headers in, body still to read) and the replica that sent it. */
    record Answer(HttpResponse<InputStream> response, Upstream.Replica replica) {}

    private final HttpClient quick;
    private final HttpClient streaming;
    private final ReplicaMetrics replicas;

    /**
     * Sends requests without a body with {@code quick}, those with one with {@code streaming},
     * and counts what each replica did in {@code replicas}.
     */
    Forwarder(HttpClient quick, HttpClient streaming, ReplicaMetrics replicas) {
        this.quick = quick;
        this.streaming = streaming;
        this.replicas = replicas;
    }

    /**
     * A client for requests without a body, which runs HttpClient's internal steps on its own
     * selector thread instead of handing each to another thread: fewer thread switches per
     * request, the largest cost of a proxied GET. It cannot carry a request body: HttpClient
     * reads the next piece of a body on its executor, and a client that uploads slowly would
     * then stall the selector thread that every request shares.
     */
    static HttpClient quickClient(Duration connectTimeout) {
        return Client.create(connectTimeout, Runnable::run);
    }

    /**
     * Sends the request that {@code build} completes (method, headers, {@code body}) to
     * {@code pathAndQuery} on a replica of {@code route}'s upstream and returns once the
     * response headers arrived; the caller reads and closes the body. With {@code retryable},
     * a replica that cannot be reached is set aside and the next one tried; a request with a
     * {@code body} (null for none) is sent once.
     */
    Answer send(Route route, String pathAndQuery, BoundedBody body, boolean retryable,
            Consumer<HttpRequest.Builder> build) throws Failure {
        HttpClient client = body != null ? streaming : quick;
        Set<Upstream.Replica> tried = new HashSet<>();
        Failure last = null;
        for (int attempt = 0; attempt < (retryable ? MAX_ATTEMPTS : 1); attempt++) {
            Upstream.Replica replica = next(route);
            if (!tried.add(replica)) break; // every replica left has failed already
            HttpRequest.Builder request =
                    Client.request(replica.uri(pathAndQuery), route.timeout());
            build.accept(request);
            try {
                HttpResponse<InputStream> response =
                        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                route.upstream().succeeded(replica);
                replicas.named(route.upstream(), replica,
                        response.headers().firstValue("X-Served-By").orElse(null));
                replicas.answered(route.upstream(), replica, response.statusCode());
                return new Answer(response, replica);
            } catch (IOException e) {
                last = failure(route, replica, body, e);
                if (!last.sentNothing) throw last;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(502, "interrupted", "the gateway is stopping", false);
            }
        }
        throw last;
    }

    /** Sets aside {@code replica} after a failure of its own, mid-answer included. */
    void brokeMidAnswer(Route route, Upstream.Replica replica, IOException e) {
        setAside(route, replica, CallFailure.BROKEN, e);
    }

    private static Upstream.Replica next(Route route) throws Failure {
        try {
            return route.upstream().next();
        } catch (Upstream.NoReplicas e) {
            throw new Failure(502, CallFailure.NO_REPLICA.slug(), "route " + route.prefix()
                    + ": " + e.getMessage(), false);
        }
    }

    /** What a failed call means, and whose it is: the client's, or the replica's. */
    private Failure failure(Route route, Upstream.Replica replica, BoundedBody body,
            IOException e) {
        if (body != null && body.clientFault() != null) {
            return new Failure(400, "client-body", body.clientFault(), false);
        }
        CallFailure failure = CallFailure.of(e);
        String on = "route " + route.prefix() + ": " + route.upstream().host();
        if (body != null && !body.complete() && !failure.beforeConnecting()) {
            if (failure == CallFailure.TIMEOUT) { // the client is the slow one
                return new Failure(408, "slow-body", "the request body did not arrive within "
                        + route.timeout().toMillis() + " ms", false);
            }
            // The replica may have cut off an upload it would not take (too large, too slow,
            // or shed under load) and closed: the client's request, not the replica, failed.
            Log.info("upstream closed during the request body", "route", route.prefix(),
                    "replica", replica.toString(), "error", e.toString());
            return new Failure(502, "closed-during-body", on
                    + " closed the connection before the request body was sent whole", false);
        }
        replicas.unanswered(route.upstream(), replica);
        setAside(route, replica, failure, e);
        if (failure == CallFailure.TIMEOUT) {
            return new Failure(504, failure.slug(), on + " did not answer within "
                    + route.timeout().toMillis() + " ms", false);
        }
        return new Failure(502, failure.slug(), on + " " + failure.phrase(),
                failure.beforeConnecting());
    }

    private void setAside(Route route, Upstream.Replica replica, CallFailure failure,
            IOException e) {
        route.upstream().failed(replica);
        replicas.setAside(route.upstream(), replica);
        Log.warn("replica set aside", "route", route.prefix(), "upstream", route.upstream().host(),
                "replica", replica.toString(), "reason", failure.slug(), "error", e.toString());
    }
}
