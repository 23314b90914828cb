package kit;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One request as a handler sees it: path parameters, query, a bounded body, and replies. */
public final class Request {
    private final HttpExchange exchange;
    private final Map<String, String> params;
    private final RequestBody body;
    private Map<String, String> query;

    Request(HttpExchange exchange, Map<String, String> params, int maxBodyBytes,
            Admission admission) {
        this.exchange = exchange;
        this.params = params;
        this.body = new RequestBody(exchange, maxBodyBytes, admission);
    }

    /** The underlying exchange, for streaming (the gateway) or unusual headers. */
    public HttpExchange exchange() {
        return exchange;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The decoded path parameter {@code name} of the route pattern. */
    public String param(String name) {
        return params.get(name);
    }

    /** A path parameter that must be a positive integer id; anything else is a 400. */
    public long id(String name) {
        String raw = param(name);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) return id;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw Problem.badRequest(name + " must be a positive integer, got \"" + raw + "\"");
    }

    /** The first value of query parameter {@code name}. */
    public Optional<String> query(String name) {
        if (query == null) query = parseQuery(exchange.getRequestURI().getRawQuery());
        return Optional.ofNullable(query.get(name));
    }

    /** A query parameter that must be an integer in [min, max], or {@code otherwise}. */
    public int queryInt(String name, int otherwise, int min, int max) {
        Optional<String> raw = query(name);
        if (raw.isEmpty()) return otherwise;
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw Problem.badRequest("query parameter " + name + " must be an integer from "
                + min + " to " + max + ", got \"" + raw.get() + "\"");
    }

    /** The first value of request header {@code name}, or {@code null}. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * The body, at most the service's limit (a larger one is a 413). It is held in memory until
     * the request is answered, out of a budget all requests share: when that is spent, a 503.
     */
    public byte[] body() throws IOException {
        return body.read();
    }

    /**
     * The body as a stream, for a handler that reads it in pieces. A read that fails is the
     * client's doing (broken chunk framing, or it stopped sending and HttpServer's request
     * timeout closed the connection), so it throws a 400 {@link Problem}, not an IOException.
     */
    public InputStream bodyStream() {
        return body.stream();
    }

    /** Gives back what this request took from the body budget: it has been answered. */
    void releaseBody() {
        body.release();
    }

    /** The body as a JSON object; wrong media type 415, bad UTF-8 or JSON 400. */
    public JsonObject jsonObject() throws IOException {
        String type = header("Content-Type");
        if (type == null || !isJson(type)) {
            throw Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                    "send the body as application/json, got " + (type == null ? "none" : type));
        }
        String text;
        try {
            text = PercentDecoder.utf8(ByteBuffer.wrap(body()));
        } catch (CharacterCodingException e) {
            throw Problem.badRequest("the request body is not valid UTF-8");
        }
        if (JsonText.tooDeep(text)) {
            throw Problem.badRequest(
                    "the JSON nests deeper than " + JsonText.MAX_DEPTH + " levels");
        }
        JsonValue value;
        try {
            value = Json.parse(text);
        } catch (ParseException e) {
            throw Problem.badRequest("malformed JSON: " + e.getMessage());
        }
        if (!value.isObject()) throw Problem.badRequest("expected a JSON object");
        return value.asObject();
    }

    private static boolean isJson(String contentType) {
        String media = contentType.split(";", 2)[0].trim().toLowerCase();
        return media.equals("application/json") || media.endsWith("+json");
    }

    /**
     * Names the route this request took, for the request metrics, when the handler found it
     * itself (a fallback, such as a proxy's table): one of a bounded set, never the raw path.
     */
    public void route(String pattern) {
        AccessLog.ROUTE.set(pattern);
    }

    /** Sets a response header. */
    public Request responseHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
        return this;
    }

    /** Answers with {@code status} and a JSON body. */
    public void respond(int status, JsonValue body) throws IOException {
        Responses.json(exchange, status, body);
    }

    /** Answers 204 No Content. */
    public void noContent() throws IOException {
        exchange.sendResponseHeaders(204, -1);
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> result = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return result;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                result.putIfAbsent(PercentDecoder.decode(name.replace('+', ' ')),
                        PercentDecoder.decode(value.replace('+', ' ')));
            } catch (CharacterCodingException | IllegalArgumentException e) {
                throw Problem.badRequest("malformed query parameter: " + pair);
            }
        }
        return result;
    }
}
