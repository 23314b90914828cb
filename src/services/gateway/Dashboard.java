package gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import kit.Config;
import kit.Log;
import kit.Problem;
import kit.Request;

/**
 * {@code GET /dashboard}: a live page of the gateway, its upstreams and every replica, drawn
 * in the browser from the gateway's own {@code /health} and {@code /metrics} (static HTML, CSS
 * and JavaScript from the jar's {@code dashboard/} folder; no framework, nothing from another
 * site). The files are read once at start and held: a few kilobytes, whoever asks.
 *
 * <p>The page shows the internal topology (services, replicas and their states), so it is a
 * setting, DASHBOARD=on or off (the default), and stays off when the routing table guards
 * writes: a port whose writes need a key faces clients who need not see the inside.
 */
final class Dashboard {
    static final String DEFAULT_SETTING = "off";
    /** The page's files and their media types; any other name is a 404. */
    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html",
            "dashboard.css", "text/css",
            "dashboard.js", "text/javascript",
            "metrics.js", "text/javascript",
            "charts.js", "text/javascript",
            "topology.js", "text/javascript");
    /**
     * Only this origin's files and requests; no inline script or style, no frames: a page
     * injected into it could run nothing, and no other site can frame it.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private record File(String type, byte[] bytes) {}

    private final Map<String, File> files;

    private Dashboard(Map<String, File> files) {
        this.files = files;
    }

    /**
     * The page, if DASHBOARD is on and {@code table} guards no writes; otherwise empty, with a
     * log line saying why when it was asked for.
     */
    static Optional<Dashboard> fromEnv(RouteTable table) throws SetupError {
        String setting = Config.string("DASHBOARD", DEFAULT_SETTING);
        if (!setting.equals("on") && !setting.equals("off")) {
            throw new SetupError("invalid configuration: DASHBOARD=\"" + setting
                    + "\": expected on or off");
        }
        if (setting.equals("off")) return Optional.empty();
        for (Route route : table.routes()) {
            if (route.writeKey()) {
                Log.warn("dashboard off", "why", "route " + route.prefix() + " (line "
                        + route.line() + ") has writes=key: a port that guards writes does not"
                        + " show its internal topology");
                return Optional.empty();
            }
        }
        Map<String, File> files = new TreeMap<>();
        for (var file : FILES.entrySet()) {
            files.put(file.getKey(), new File(file.getValue(), read(file.getKey())));
        }
        Log.info("dashboard on", "path", "/dashboard");
        return Optional.of(new Dashboard(files));
    }

    /** {@code GET /dashboard}: the page itself. */
    void page(Request request) throws IOException {
        send(request, files.get("index.html"));
    }

    /** {@code GET /dashboard/{file}}: its style sheet and scripts. */
    void file(Request request) throws IOException {
        File file = files.get(request.param("file"));
        if (file == null) throw Problem.notFound("the dashboard has no such file");
        send(request, file);
    }

    private static void send(Request request, File file) throws IOException {
        var headers = request.exchange().getResponseHeaders();
        headers.set("Content-Type", file.type() + "; charset=utf-8");
        // Small and changed only by a new image: the browser asks again rather than guess.
        headers.set("Cache-Control", "no-cache");
        headers.set("Content-Security-Policy", POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        boolean head = request.method().equals("HEAD");
        request.exchange().sendResponseHeaders(200, head ? -1 : file.bytes().length);
        if (head) return;
        try (OutputStream out = request.exchange().getResponseBody()) {
            out.write(file.bytes());
        }
    }

    private static byte[] read(String name) throws SetupError {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) throw new SetupError("the image has no dashboard/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SetupError("cannot read dashboard/" + name + ": " + e);
        }
    }
}
