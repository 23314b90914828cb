package kit;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer in the one shape every service uses: {@code application/problem+json}
 * (RFC 9457) with {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance}
 * and the {@code request_id}. Handlers throw it; {@link Dispatch} sends it.
 */
public final class Problem extends RuntimeException {
    private final int status;
    private final String slug;
    private final String title;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final JsonObject extensions = new JsonObject();

    private Problem(int status, String slug, String title, String detail) {
        super(detail, null, false, false); // no stack trace: a Problem is an answer, not a bug
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** A problem with any status; {@code slug} names its type, e.g. "not-found". */
    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, slug, title, detail);
    }

    public static Problem badRequest(String detail) {
        return of(400, "bad-request", "Bad Request", detail);
    }

    public static Problem notFound(String detail) {
        return of(404, "not-found", "Not Found", detail);
    }

    public static Problem conflict(String detail) {
        return of(409, "conflict", "Conflict", detail);
    }

    public static Problem unavailable(String detail) {
        return of(503, "unavailable", "Service Unavailable", detail);
    }

    /** Adds a response header, e.g. {@code Allow} or {@code Retry-After}. */
    public Problem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds an extension member to the body, e.g. the offending fields. */
    public Problem with(String name, JsonValue value) {
        extensions.add(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    /** The JSON body for the request being handled on this thread. */
    public JsonObject toJson(String instance) {
        JsonObject body = Json.object()
                .add("type", "/problems/" + slug)
                .add("title", title)
                .add("status", status)
                .add("detail", getMessage())
                .add("instance", instance)
                .add("request_id", RequestId.current());
        for (JsonObject.Member member : extensions) body.add(member.getName(), member.getValue());
        return body;
    }

    /** Sends this problem as the response of {@code exchange}. */
    public void send(HttpExchange exchange) throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        String instance = exchange.getRequestURI().getRawPath();
        Responses.send(exchange, status, "application/problem+json", toJson(instance));
    }
}
