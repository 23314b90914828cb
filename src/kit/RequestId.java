package kit;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The {@code X-Request-Id} of the request this thread is handling: taken from the caller when it
 * is sane, generated otherwise, echoed in the response and sent on outgoing calls by
 * {@link Client}. Each exchange runs on its own virtual thread, so a thread-local is exact.
 */
public final class RequestId extends Filter {
    public static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    /** The current request's id, or {@code null} outside a request. */
    public static String current() {
        return CURRENT.get();
    }

    /** Runs {@code work} as if handling a request with the given id (for background tasks). */
    public static void with(String id, Runnable work) {
        String previous = CURRENT.get();
        CURRENT.set(id);
        try {
            work.run();
        } finally {
            CURRENT.set(previous);
        }
    }

    /** The caller's id if it is 1–128 safe characters, else a new random one. */
    public static String acceptOrGenerate(String offered) {
        if (offered != null && SANE.matcher(offered).matches()) return offered;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong() | Long.MIN_VALUE)
                + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String id = acceptOrGenerate(exchange.getRequestHeaders().getFirst(HEADER));
        exchange.getResponseHeaders().set(HEADER, id);
        CURRENT.set(id);
        try {
            chain.doFilter(exchange);
        } finally {
            CURRENT.remove();
        }
    }

    @Override
    public String description() {
        return "accepts or generates X-Request-Id";
    }
}
