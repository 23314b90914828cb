package kit;

import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service's routing table: method plus path pattern ({@code /products/{id}}) to handler.
 * A path no pattern matches is a 404 (or goes to the fallback); a known path with another
 * method is a 405 with {@code Allow}, even in a service with a fallback. Register every route
 * in one place, at the top of the service.
 */
public final class Routes {
    private record Route(String method, String pattern, String[] segments, Handler handler) {}

    /** The route chosen for a request, with its decoded path parameters. */
    record Match(String pattern, Handler handler, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();
    private Handler fallback;

    public Routes get(String pattern, Handler handler) {
        return add("GET", pattern, handler);
    }

    public Routes post(String pattern, Handler handler) {
        return add("POST", pattern, handler);
    }

    public Routes put(String pattern, Handler handler) {
        return add("PUT", pattern, handler);
    }

    public Routes patch(String pattern, Handler handler) {
        return add("PATCH", pattern, handler);
    }

    public Routes delete(String pattern, Handler handler) {
        return add("DELETE", pattern, handler);
    }

    /** Any method on any path that no route matches goes to {@code handler} (a proxy). */
    public Routes fallback(Handler handler) {
        this.fallback = handler;
        return this;
    }

    /** Adds a route; one that is there already is a mistake that stops the service. */
    public Routes add(String method, String pattern, Handler handler) {
        for (Route route : routes) {
            if (route.method.equals(method) && route.pattern.equals(pattern)) {
                throw new IllegalArgumentException("route " + method + " " + pattern
                        + " is registered twice (the kit's own /health, /ready and /metrics"
                        + " are extended with Service.health and Service.readiness)");
            }
        }
        routes.add(new Route(method, pattern, split(pattern), handler));
        return this;
    }

    /**
     * The route for {@code method} and the raw (still percent-encoded) {@code rawPath}. A method
     * no service implements is a 501 whatever the path (the method is not echoed: it is client
     * text of any length).
     */
    Match find(String method, String rawPath) {
        if (!HttpMethods.isKnown(method)) {
            throw Problem.of(501, "method-not-implemented", "Not Implemented",
                    "the request method is not one this service implements; use one of "
                            + String.join(", ", HttpMethods.KNOWN.stream().sorted().toList()));
        }
        String[] segments = split(rawPath);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = match(route.segments, segments);
            if (params == null) continue;
            if (route.method.equals(method)
                    || (method.equals("HEAD") && route.method.equals("GET"))) {
                return new Match(route.pattern, route.handler, params);
            }
            allowed.add(route.method);
        }
        if (allowed.isEmpty()) {
            if (fallback != null) return new Match("fallback", fallback, Map.of());
            throw Problem.notFound("no route for " + rawPath);
        }
        if (allowed.contains("GET")) allowed.add("HEAD");
        throw Problem.of(405, "method-not-allowed", "Method Not Allowed",
                        method + " is not supported on " + rawPath + "; use " + allowed)
                .header("Allow", String.join(", ", allowed));
    }

    private static String[] split(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/")
                ? path.substring(0, path.length() - 1)
                : path;
        return trimmed.equals("/") ? new String[0] : trimmed.substring(1).split("/", -1);
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) return null;
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) return null;
                params.put(p.substring(1, p.length() - 1), decode(path[i]));
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static String decode(String segment) {
        try {
            return PercentDecoder.decode(segment);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            throw Problem.badRequest("malformed percent-encoding in path segment: " + segment);
        }
    }
}
