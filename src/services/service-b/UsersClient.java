package serviceb;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kit.CallFailure;
import kit.Client;
import kit.Log;
import kit.Metrics;
import kit.Problem;
import kit.RequestId;
import kit.Upstream;
import kit.Upstream.Replica;

/**
 * Service A's users API as B calls it. A call passes the circuit breaker, goes to one replica
 * (the kit's {@link Upstream} takes them in turn), is bounded by a connect and a request
 * timeout, and is retried at most {@code retries} times after a pause with jitter, on a replica
 * this call has not tried when there is one. Only GET exists here, so every call is idempotent
 * and safe to retry; a call that changes something would need its own rules.
 */
final class UsersClient {
    /** A's answers are a few kilobytes; a longer one is refused rather than held. */
    static final int MAX_ANSWER_BYTES = 1 << 20;

    private final Upstream upstream;
    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final int retries;
    private final Backoff backoff;
    private final CircuitBreaker breaker;
    private final Metrics.Counter retried;
    private final Metrics.Counter rejected;

    UsersClient(Upstream upstream, Duration connectTimeout, Duration timeout, int retries,
            Backoff backoff, CircuitBreaker breaker, Metrics metrics) {
        this.upstream = upstream;
        // Its calls are GETs, with no body to send: HttpClient's internal steps can run on its
        // own selector thread instead of each on a new virtual thread (as in the gateway's
        // Forwarder.quickClient). The answer still reaches this thread through one hand-off.
        this.client = Client.create(connectTimeout, Runnable::run);
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
        this.retries = retries;
        this.backoff = backoff;
        this.breaker = breaker;
        this.retried = metrics.counter("upstream_retries_total",
                "Calls to service A sent again after a failure.");
        this.rejected = metrics.counter("breaker_rejected_total",
                "Calls answered 503 at once because the circuit breaker was open.");
    }

    /** GETs {@code path} from A; a call that gets no usable answer throws B's problem. */
    Answer get(String path) {
        try {
            breaker.acquire();
        } catch (CircuitBreaker.Open open) {
            rejected.inc();
            long seconds = Math.max(1, (open.retryAfterMillis() + 999) / 1000);
            throw Problem.of(503, "circuit-open", "Service Unavailable",
                            "calls to " + upstream.host() + " are suspended after repeated "
                                    + "failures; the next trial is in " + seconds + " s")
                    .header("Retry-After", Long.toString(seconds));
        }
        boolean answered = false;
        try {
            Answer answer = withRetries(path);
            answered = true;
            return answer;
        } catch (CallFailed failure) {
            throw failure.problem();
        } finally {
            // Whatever ended the call, even an Error: a half-open breaker must hear how its
            // trial went, or it would refuse every call from then on.
            if (answered) breaker.succeeded();
            else breaker.failed();
        }
    }

    /** For B's {@code /ready}: returns when a replica of A answers its /health, else throws. */
    void checkReachable() throws Exception {
        String why = "no replica answered";
        for (Replica replica : upstream.replicas()) {
            try {
                if (attempt(replica, "/health").status() == 200) return;
                why = "a replica of " + upstream.host() + " is not healthy";
            } catch (CallFailed failure) {
                why = failure.getMessage();
            }
        }
        throw new Exception(why);
    }

    private Answer withRetries(String path) throws CallFailed {
        Set<Replica> tried = new HashSet<>();
        Replica replica = first();
        for (int retry = 1; ; retry++) {
            try {
                Answer answer = attempt(replica, path);
                upstream.succeeded(replica);
                return answer;
            } catch (CallFailed failure) {
                upstream.failed(replica);
                tried.add(replica);
                Replica next = retry > retries ? null
                        : retryTarget(tried, failure.sameReplicaMayRetry());
                if (next == null) throw failure;
                backoff.pause(retry);
                retried.inc();
                Log.warn("retrying", "path", path, "retry", retry, "failed", replica.toString(),
                        "reason", failure.getMessage(), "next", next.toString(),
                        "request_id", RequestId.current());
                replica = next;
            }
        }
    }

    private Replica first() throws CallFailed {
        try {
            return upstream.next();
        } catch (Upstream.NoReplicas e) {
            throw new CallFailed(CallFailure.NO_REPLICA, e.getMessage());
        }
    }

    /** A replica this call has not tried, else the failed one when that is worth it, else none. */
    private Replica retryTarget(Set<Replica> tried, boolean sameMayRetry) {
        try {
            Replica next = upstream.next();
            if (!tried.contains(next)) return next;
            for (Replica other : upstream.replicas()) {
                if (!tried.contains(other) && !upstream.isEjected(other)) return other;
            }
            return sameMayRetry ? next : null;
        } catch (Upstream.NoReplicas e) {
            return null;
        }
    }

    private Answer attempt(Replica replica, String path) throws CallFailed {
        HttpRequest request = Client.request(replica.uri(path), timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        CompletableFuture<HttpResponse<String>> pending =
                client.sendAsync(request, Client.textUpTo(MAX_ANSWER_BYTES));
        HttpResponse<String> response;
        try {
            // The client's request timeout stops waiting once the head is in; this bound covers
            // head and body alike, and takes effect even when the client's timer runs late.
            response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), replica);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw failure(new HttpTimeoutException("no complete answer"), replica);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new CallFailed(CallFailure.BROKEN,
                    "interrupted while calling " + upstream.host());
        }
        return Answer.of(response, upstream.host());
    }

    /** Why a call failed, naming the service, not the replica's address (that is logged). */
    private CallFailed failure(Throwable cause, Replica replica) {
        Log.info("call failed", "replica", replica.toString(), "error", String.valueOf(cause));
        if (CallFailure.causedBy(cause, Client.TooLong.class)) {
            return new CallFailed(CallFailure.BROKEN, upstream.host()
                    + " sent an answer longer than " + MAX_ANSWER_BYTES + " bytes");
        }
        CallFailure failure = CallFailure.of(cause);
        String detail = switch (failure) {
            case CONNECT_TIMEOUT -> "accepted no connection within " + connectTimeout.toMillis()
                    + " ms";
            case TIMEOUT -> "did not answer within " + timeout.toMillis() + " ms";
            case BROKEN -> "failed: " + cause.getClass().getSimpleName();
            default -> failure.phrase();
        };
        return new CallFailed(failure, upstream.host() + " " + detail);
    }
}
