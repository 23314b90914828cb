package gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kit.Upstream;

/**
 * The gateway's routing table, read once at start from a text file (format in the README and
 * at the top of challenges/5/routes.conf): {@code PREFIX HOST:PORT [option=value ...]}.
 * A line that does not parse stops the gateway with a message naming the file and the line.
 */
final class RouteTable {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final long DEFAULT_MAX_BODY = 1 << 20;
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    private static final Pattern PREFIX = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+");
    private static final Pattern UPSTREAM = Pattern.compile("([a-z0-9][a-z0-9.-]*):([0-9]{1,5})");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s)");
    private static final Pattern RATE = Pattern.compile("([0-9]{1,6})/(s|min)");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,6}");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,9})(B|KiB|MiB)");

    /** A malformed routing table; its message names the file and the line. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }

        @Override
        public String toString() { // Service.run logs "cannot start: " + this
            return getMessage();
        }
    }

    private final List<Route> routes; // longest prefix first: the first match is the best
    private final Map<String, Upstream> upstreams;

    private RouteTable(List<Route> routes, Map<String, Upstream> upstreams) {
        this.routes = routes;
        this.upstreams = upstreams;
    }

    /** Reads {@code file}; a replica that fails is set aside for {@code ejectFor}. */
    static RouteTable load(Path file, Duration ejectFor) throws Invalid {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new Invalid("routes file " + file + ": cannot read it ("
                    + e.getClass().getSimpleName() + ")");
        }
        return parse("routes file " + file, lines, ejectFor);
    }

    /** Parses {@code lines}; errors name {@code source} and the line. */
    static RouteTable parse(String source, List<String> lines, Duration ejectFor)
            throws Invalid {
        List<Route> routes = new ArrayList<>();
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).replaceFirst("#.*", "").strip();
            if (text.isEmpty()) continue;
            String where = source + " line " + (i + 1) + ": ";
            Route route = parse(text, i + 1, where, upstreams, ejectFor);
            for (Route other : routes) {
                if (other.prefix().equals(route.prefix())) {
                    throw new Invalid(where + "prefix " + route.prefix()
                            + " is already routed on line " + other.line());
                }
                requireSameWrites(where, route, other);
            }
            routes.add(route);
        }
        if (routes.isEmpty()) throw new Invalid(source + ": has no route");
        routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        return new RouteTable(List.copyOf(routes), upstreams);
    }

    /**
     * Two routes to one upstream must guard writes alike: a key on one and none on the other
     * leaves the upstream open to writes through the second (a rewrite reaches the same paths).
     */
    private static void requireSameWrites(String where, Route route, Route other)
            throws Invalid {
        if (route.upstream() == other.upstream() && route.writeKey() != other.writeKey()) {
            throw new Invalid(where + "writes=" + (route.writeKey() ? "key" : "open") + " but "
                    + other.prefix() + " (line " + other.line() + ") reaches the same upstream "
                    + route.upstream().host() + " with writes="
                    + (other.writeKey() ? "key" : "open")
                    + ": every route to one upstream must guard writes alike");
        }
    }

    private static Route parse(String text, int line, String where,
            Map<String, Upstream> upstreams, Duration ejectFor) throws Invalid {
        String[] words = text.split("\\s+");
        if (words.length < 2) {
            throw new Invalid(where + "expected PREFIX HOST:PORT [option=value ...]");
        }
        String prefix = words[0];
        if (!PREFIX.matcher(prefix).matches()) {
            throw new Invalid(where + "prefix \"" + prefix + "\" must be / or /segments of "
                    + "letters, digits and ._~- without a trailing /");
        }
        Matcher target = UPSTREAM.matcher(words[1]);
        int port = target.matches() ? Integer.parseInt(target.group(2)) : 0;
        if (port < 1 || port > 65535) {
            throw new Invalid(where + "upstream \"" + words[1] + "\" must be host:port");
        }
        Upstream upstream = upstreams.computeIfAbsent(words[1],
                name -> new Upstream(target.group(1), port, ejectFor));
        Duration timeout = DEFAULT_TIMEOUT;
        long maxBody = DEFAULT_MAX_BODY;
        String rewrite = null;
        boolean writeKey = false;
        RateLimiter.Rate rate = null;
        int burst = 0;
        for (int w = 2; w < words.length; w++) {
            String[] option = words[w].split("=", 2);
            String value = option.length == 2 ? option[1] : "";
            switch (option[0]) {
                case "timeout" -> timeout = duration(value, where);
                case "max-body" -> maxBody = size(value, where);
                case "rewrite" -> {
                    if (!PREFIX.matcher(value).matches()) {
                        throw new Invalid(where + "rewrite \"" + value + "\" must be / or a path"
                                + " like a prefix");
                    }
                    rewrite = value;
                }
                case "writes" -> writeKey = switch (value) {
                    case "key" -> true;
                    case "open" -> false;
                    default -> throw new Invalid(where + "writes \"" + value
                            + "\" must be key or open");
                };
                case "rate" -> rate = rate(value, where);
                case "burst" -> {
                    if (!COUNT.matcher(value).matches() || Integer.parseInt(value) == 0) {
                        throw new Invalid(where + "burst \"" + value + "\" must be a count from 1");
                    }
                    burst = Integer.parseInt(value);
                }
                default -> throw new Invalid(where + "unknown option \"" + words[w]
                        + "\" (expected timeout=, rewrite=, max-body=, writes=, rate= or burst=)");
            }
        }
        if (burst > 0 && rate == null) throw new Invalid(where + "burst= needs a rate=");
        if (burst > 0) rate = new RateLimiter.Rate(rate.perSecond(), burst, rate.text());
        return new Route(prefix, upstream, rewrite, timeout, maxBody, writeKey, rate, line);
    }

    private static Duration duration(String value, String where) throws Invalid {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMillis(n);
            if (!d.isZero() && d.compareTo(MAX_TIMEOUT) <= 0) return d;
        }
        throw new Invalid(where + "timeout \"" + value + "\" must be like 500ms or 2s (at most "
                + MAX_TIMEOUT.toSeconds() + "s)");
    }

    /** {@code 10/s} or {@code 600/min}; the burst is the same count unless burst= says. */
    private static RateLimiter.Rate rate(String value, String where) throws Invalid {
        Matcher m = RATE.matcher(value);
        if (m.matches() && Integer.parseInt(m.group(1)) > 0) {
            int n = Integer.parseInt(m.group(1));
            return new RateLimiter.Rate(m.group(2).equals("s") ? n : n / 60.0, n, value);
        }
        throw new Invalid(where + "rate \"" + value + "\" must be like 10/s or 600/min");
    }

    private static long size(String value, String where) throws Invalid {
        Matcher m = SIZE.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2)) {
                case "KiB" -> 10;
                case "MiB" -> 20;
                default -> 0;
            };
            if (n > 0 && n <= (1L << 30) >> shift) return n << shift;
        }
        throw new Invalid(where + "max-body \"" + value + "\" must be like 512KiB or 16MiB "
                + "(at most 1024MiB)");
    }

    /** The route for {@code path}, the one with the longest matching prefix. */
    Optional<Route> find(String path) {
        for (Route route : routes) {
            if (route.matches(path)) return Optional.of(route);
        }
        return Optional.empty();
    }

    List<Route> routes() {
        return routes;
    }

    /** Every distinct upstream, in the order the file names them. */
    Collection<Upstream> upstreams() {
        return upstreams.values();
    }
}
