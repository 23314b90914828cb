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
import kit.Upstream;

/**
 * The gateway's routing table, read once at start from a text file (format in the README and
 * at the top of challenges/5/routes.conf): {@code PREFIX HOST:PORT [option=value ...]}.
 * A line that does not parse ({@link RouteLine}) stops the gateway with a message naming the
 * file and the line.
 */
final class RouteTable {
    private final List<Route> routes; // longest prefix first: the first match is the best
    private final Map<String, Upstream> upstreams;

    private RouteTable(List<Route> routes, Map<String, Upstream> upstreams) {
        this.routes = routes;
        this.upstreams = upstreams;
    }

    /** Reads {@code file}; a replica that fails is set aside for {@code ejectFor}. */
    static RouteTable load(Path file, Duration ejectFor) throws SetupError {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new SetupError("routes file " + file + ": cannot read it ("
                    + e.getClass().getSimpleName() + ")");
        }
        return parse("routes file " + file, lines, ejectFor);
    }

    /** Parses {@code lines}; errors name {@code source} and the line. */
    static RouteTable parse(String source, List<String> lines, Duration ejectFor)
            throws SetupError {
        List<Route> routes = new ArrayList<>();
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).replaceFirst("#.*", "").strip();
            if (text.isEmpty()) continue;
            String where = source + " line " + (i + 1) + ": ";
            Route route = RouteLine.parse(text, i + 1, where, upstreams, ejectFor);
            for (Route other : routes) {
                if (other.prefix().equals(route.prefix())) {
                    throw new SetupError(where + "prefix " + route.prefix()
                            + " is already routed on line " + other.line());
                }
                requireSameWrites(where, route, other);
            }
            routes.add(route);
        }
        if (routes.isEmpty()) throw new SetupError(source + ": has no route");
        routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        return new RouteTable(List.copyOf(routes), upstreams);
    }

    /**
     * Two routes to one upstream must guard writes alike: a key on one and none on the other
     * leaves the upstream open to writes through the second (a rewrite reaches the same paths).
     */
    private static void requireSameWrites(String where, Route route, Route other)
            throws SetupError {
        if (route.upstream() == other.upstream() && route.writeKey() != other.writeKey()) {
            throw new SetupError(where + "writes=" + (route.writeKey() ? "key" : "open") + " but "
                    + other.prefix() + " (line " + other.line() + ") reaches the same upstream "
                    + route.upstream().host() + " with writes="
                    + (other.writeKey() ? "key" : "open")
                    + ": every route to one upstream must guard writes alike");
        }
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
