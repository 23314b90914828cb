package kit;

import com.eclipsesource.json.JsonValue;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes whole responses with an exact Content-Length. */
public final class Responses {
    private Responses() {}

    public static final String JSON = "application/json";

    /** Sends {@code body} as JSON with {@code status}. */
    public static void json(HttpExchange exchange, int status, JsonValue body) throws IOException {
        send(exchange, status, JSON, body);
    }

    static void send(HttpExchange exchange, int status, String type, JsonValue body)
            throws IOException {
        text(exchange, status, type, body.toString());
    }

    /** Sends {@code body} as UTF-8 text with the given media type. */
    public static void text(HttpExchange exchange, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        // -1 tells HttpServer there is no body; 0 would mean "chunked".
        exchange.sendResponseHeaders(status, head || bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
