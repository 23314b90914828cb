package productsservice;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.TreeMap;
import kit.Problem;
import kit.Request;

/**
 * Routes that show what a proxy did to a request: {@code /debug/echo} answers with the method,
 * path, query, headers and the body's length and SHA-256 as this service received them, and
 * {@code /debug/bytes/N} sends N bytes of a known pattern. Neither buffers a body whole.
 */
final class Debug {
    static final String[] ECHO_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    static final long MAX_BYTES = 64L << 20;
    /** The pattern {@code /debug/bytes} repeats: `yes` with this word reproduces it. */
    static final byte[] LINE =
            "abcdefghijklmnopqrstuvwxyz0123456789\n".getBytes(StandardCharsets.US_ASCII);

    void echo(Request request) throws IOException {
        HttpExchange exchange = request.exchange();
        int status = request.queryInt("status", 200, 200, 599);
        MessageDigest sha256 = sha256();
        long length = 0;
        try (InputStream in = request.bodyStream()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; length += n) {
                if (length + n > MAX_BYTES) {
                    throw Problem.of(413, "content-too-large", "Content Too Large",
                            "the echo reads at most " + MAX_BYTES + " bytes");
                }
                sha256.update(buffer, 0, n);
            }
        }
        JsonObject headers = new JsonObject();
        new TreeMap<>(exchange.getRequestHeaders()).forEach((name, values) ->
                headers.add(name.toLowerCase(Locale.ROOT), String.join(", ", values)));
        // Hop-by-hop headers a proxy must not pass on (RFC 9110, 7.6.1): here to be removed.
        exchange.getResponseHeaders().set("Connection", "X-Upstream-Secret");
        exchange.getResponseHeaders().set("X-Upstream-Secret", "only for the next hop");
        exchange.getResponseHeaders().set("Keep-Alive", "timeout=30");
        exchange.getResponseHeaders().set("Proxy-Authenticate", "Basic realm=\"upstream\"");
        exchange.getResponseHeaders().set("Proxy-Connection", "keep-alive");
        exchange.getResponseHeaders().set("Trailer", "X-Checksum");
        exchange.getResponseHeaders().set("Upgrade", "h2c");
        exchange.getResponseHeaders().set("X-End-To-End", "kept");
        if (status == 204) {
            request.noContent();
            return;
        }
        request.respond(status, Json.object()
                .add("method", request.method())
                .add("path", exchange.getRequestURI().getRawPath())
                .add("query", String.valueOf(exchange.getRequestURI().getRawQuery()))
                .add("headers", headers)
                .add("body", Json.object()
                        .add("bytes", length)
                        .add("sha256", HexFormat.of().formatHex(sha256.digest()))));
    }

    /** N bytes of LINE repeated; {@code chunked=true} omits the length, {@code pause_ms}
     * waits after the first few KB so a client can tell streaming from buffering. */
    void bytes(Request request) throws IOException {
        long n = request.id("n");
        if (n > MAX_BYTES) throw Problem.badRequest("n must be at most " + MAX_BYTES);
        boolean chunked = switch (request.query("chunked").orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Problem.badRequest("chunked must be true or false");
        };
        int pauseMs = request.queryInt("pause_ms", 0, 0, 5000);
        HttpExchange exchange = request.exchange();
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=us-ascii");
        if (request.method().equals("HEAD")) {
            // HttpServer leaves a HEAD answer's length to the handler.
            if (!chunked) exchange.getResponseHeaders().set("Content-Length", Long.toString(n));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, chunked ? 0 : n);
        byte[] block = new byte[LINE.length * 1771]; // whole lines, just under 64 KiB
        for (int i = 0; i < block.length; i++) block[i] = LINE[i % LINE.length];
        try (OutputStream out = exchange.getResponseBody()) {
            long left = n;
            int first = (int) Math.min(left, LINE.length * 100L);
            out.write(block, 0, first);
            out.flush();
            left -= first;
            if (pauseMs > 0 && left > 0) sleep(pauseMs);
            while (left > 0) {
                int size = (int) Math.min(left, block.length);
                out.write(block, 0, size);
                left -= size;
            }
        }
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
