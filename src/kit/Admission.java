package kit;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load shedding: at most {@link Limits#maxInFlight} requests are handled at once, and request
 * bodies held in memory share one {@link BodyBudget}. A request past either bound gets a 503
 * with Retry-After at once, so overload costs the client a retry, never the service its heap.
 */
final class Admission extends Filter {
    /** How long a shed client should wait before it tries again, in seconds. */
    static final String RETRY_AFTER = "1";

    private final int maxInFlight;
    private final BodyBudget bodies;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Metrics.Counter shedBusy;
    private final Metrics.Counter shedBodies;

    Admission(Limits limits, Metrics metrics) {
        this.maxInFlight = limits.maxInFlight();
        this.bodies = new BodyBudget(limits.bodyBufferBytes());
        String help = "Requests refused with 503 at once, by the bound they met.";
        shedBusy = metrics.counter("http_requests_shed_total", help, "reason", "in_flight");
        shedBodies = metrics.counter("http_requests_shed_total", help, "reason", "body_buffer");
        metrics.gauge("http_requests_in_flight", "Requests being handled now.", inFlight::get);
        metrics.gauge("http_body_buffer_bytes", "Bytes of request bodies held in memory now.",
                bodies::held);
        metrics.gauge("http_body_buffer_capacity_bytes",
                "The most bytes of request bodies all requests may hold at once.",
                bodies::capacity);
    }

    /** Requests being handled now (a graceful stop waits for them). */
    int inFlight() {
        return inFlight.get();
    }

    BodyBudget bodies() {
        return bodies;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        try {
            if (inFlight.incrementAndGet() > maxInFlight) {
                shedBusy.inc();
                overloaded("more than " + maxInFlight + " requests are being handled").send(exchange);
                return;
            }
            chain.doFilter(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The 503 for a body that does not fit in what is left of the budget. */
    Problem bodiesFull() {
        shedBodies.inc();
        return overloaded("the request bodies being received take all the memory set aside"
                + " for them");
    }

    private static Problem overloaded(String why) {
        // The connection is closed: an unread body would otherwise be taken for a request,
        // and a client that goes away frees room for others.
        return Problem.of(503, "overloaded", "Service Unavailable",
                        why + "; retry in " + RETRY_AFTER + " s")
                .header("Retry-After", RETRY_AFTER)
                .header("Connection", "close");
    }

    @Override
    public String description() {
        return "sheds requests past the in-flight and body-buffer bounds";
    }
}
