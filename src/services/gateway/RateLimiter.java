package gateway;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import kit.Problem;

/**
 * Token buckets per client address and route, for the routes with a {@code rate=} option.
 * The client is the TCP peer: X-Forwarded-For is ignored, since any client can write it and
 * would get a fresh bucket per made-up address. At most {@code maxBuckets} are kept; past
 * that, the bucket used least recently is dropped (its client starts again with a full one),
 * so many distinct addresses cost bounded memory.
 * Answers carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (draft-ietf-httpapi-
 * ratelimit-headers, the separate-field form); a refusal is 429 with Retry-After.
 */
final class RateLimiter {
    static final int DEFAULT_MAX_BUCKETS = 10_000;

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    private final Map<String, Bucket> buckets;

    RateLimiter(int maxBuckets) {
        // Access order: the eldest entry is the bucket used least recently.
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxBuckets;
            }
        };
    }

    /**
     * Takes a token for this request from its client's bucket for {@code scope} (a route
     * prefix), or throws 429; sets the RateLimit-* headers either way. No {@code rate}: no limit.
     */
    void check(HttpExchange exchange, String scope, Rate rate) {
        if (rate == null) return;
        InetSocketAddress peer = exchange.getRemoteAddress();
        String client = peer.getAddress().getHostAddress() + " " + scope;
        long now = System.nanoTime();
        double tokens;
        boolean taken;
        synchronized (buckets) {
            Bucket bucket = buckets.computeIfAbsent(client, c -> {
                Bucket b = new Bucket();
                b.tokens = rate.burst();
                b.updatedNanos = now;
                return b;
            });
            double refill = (now - bucket.updatedNanos) / 1e9 * rate.perSecond();
            bucket.tokens = Math.min(rate.burst(), bucket.tokens + refill);
            bucket.updatedNanos = now;
            taken = bucket.tokens >= 1;
            if (taken) bucket.tokens -= 1;
            tokens = bucket.tokens;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("RateLimit-Limit", Integer.toString(rate.burst()));
        headers.set("RateLimit-Remaining", Integer.toString((int) Math.floor(tokens)));
        // Seconds until the bucket is full again.
        headers.set("RateLimit-Reset",
                Long.toString((long) Math.ceil((rate.burst() - tokens) / rate.perSecond())));
        if (taken) return;
        // Whole seconds until one token is back, rounded up: retrying then succeeds.
        long retry = Math.max(1, (long) Math.ceil((1 - tokens) / rate.perSecond()));
        throw Problem.of(429, "too-many-requests", "Too Many Requests",
                        "more than " + rate.text() + " from " + peer.getAddress().getHostAddress()
                                + " on " + scope + "; retry in " + retry + "s")
                .header("Retry-After", Long.toString(retry));
    }
}
