package gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import kit.Client;
import kit.Upstream;

/**
 * Sends one request to a route's upstream: takes its replicas in turn, sets aside one that
 * fails (a passive health check: refused, too slow, or a 5xx answer), and retries on another
 * replica when no connection could be made and the request can safely be sent again.
 */
final class Forwarder {
    static final int MAX_ATTEMPTS = 3;

    /**
     * No answer: {@code status} is 502 or 504, or 400 or 408 when the client's body broke off
     * or came too slowly.
     */
    static final class Failure extends Exception {
        final int status;
        final String reason;

        Failure(int status, String reason, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.reason = reason;
        }
    }

    private final HttpClient quick;
    private final HttpClient streaming;

    /** Sends requests without a body with {@code quick}, those with one with {@code streaming}. */
    Forwarder(HttpClient quick, HttpClient streaming) {
        this.quick = quick;
        this.streaming = streaming;
    }

    /**
     * A client for requests without a body, which runs HttpClient's internal steps on its own
     * selector thread instead of handing each to another thread: about a third fewer thread
     * switches (futex calls) per request, the largest cost of a proxied GET. It cannot carry a
     * request body: HttpClient reads the next piece of a body on its executor, and a client
     * that uploads slowly would then stall the selector thread that every request shares.
     */
    static HttpClient quickClient(Duration connectTimeout) {
        return Client.create(connectTimeout, Runnable::run);
    }

    /**
     * Sends the request that {@code build} completes (method, headers, {@code body}) to
     * {@code pathAndQuery} on a replica of {@code route}'s upstream and returns once the
     * response headers arrived; the caller reads and closes the body. With {@code retryable},
     * a replica that refuses the connection is set aside and the next one tried; a request
     * with a {@code body} (null for none) is sent once.
     */
    HttpResponse<InputStream> send(Route route, String pathAndQuery, BoundedBody body,
            boolean retryable, Consumer<HttpRequest.Builder> build) throws Failure {
        HttpClient client = body != null ? streaming : quick;
        Upstream upstream = route.upstream();
        Set<Upstream.Replica> tried = new HashSet<>();
        Failure last = null;
        for (int attempt = 0; attempt < (retryable ? MAX_ATTEMPTS : 1); attempt++) {
            Upstream.Replica replica;
            try {
                replica = upstream.next();
            } catch (Upstream.NoReplicas e) {
                throw new Failure(502, "no-replica", e.getMessage());
            }
            if (!tried.add(replica)) break; // every replica left has failed already
            HttpRequest.Builder request =
                    Client.request(replica.uri(pathAndQuery), route.timeout());
            build.accept(request);
            String who = upstream.host() + " (" + replica + ")";
            try {
                HttpResponse<InputStream> response =
                        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() >= 500) upstream.failed(replica);
                else upstream.succeeded(replica);
                return response;
            } catch (HttpConnectTimeoutException e) {
                upstream.failed(replica);
                last = new Failure(502, "connect-timeout", who + " accepted no connection in time");
            } catch (HttpTimeoutException e) {
                if (body != null && !body.complete()) { // the client is the slow one
                    throw new Failure(408, "slow-body", "the request body did not arrive within "
                            + route.timeout().toMillis() + " ms");
                }
                upstream.failed(replica);
                throw new Failure(504, "timeout", who + " did not answer within "
                        + route.timeout().toMillis() + " ms");
            } catch (IOException e) {
                if (body != null && body.clientFault() != null) { // not the replica's fault
                    throw new Failure(400, "client-body", body.clientFault());
                }
                upstream.failed(replica);
                if (!causedBy(e, ConnectException.class, NoRouteToHostException.class)) {
                    throw new Failure(502, "broken", who + " failed: " + e.getMessage());
                }
                last = new Failure(502, "refused", who + " refused the connection");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(502, "interrupted", "the gateway is stopping");
            }
        }
        throw last;
    }

    /** Whether {@code e} or one of its causes is one of {@code types}. */
    @SafeVarargs
    private static boolean causedBy(Throwable e, Class<? extends Throwable>... types) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) return true;
            }
        }
        return false;
    }
}
