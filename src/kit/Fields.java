package kit;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.Set;

/**
 * Validates the fields of a JSON body and collects every error, so a client learns all that is
 * wrong at once: {@link #check()} answers 400 with {@code errors: [{field, message}]}.
 */
public final class Fields {
    private final JsonObject body;
    private final JsonArray errors = new JsonArray();

    public Fields(JsonObject body) {
        this.body = body;
    }

    /** Whether the body has {@code name} (for partial updates). */
    public boolean has(String name) {
        return body.get(name) != null;
    }

    /** Fields other than {@code allowed} are errors (catches typos like "prise"). */
    public Fields only(String... allowed) {
        Set<String> names = Set.of(allowed);
        for (String name : body.names()) {
            if (!names.contains(name)) error(name, "unknown field");
        }
        return this;
    }

    /** A required string, trimmed, 1 to {@code maxLength} characters; null if invalid. */
    public String string(String name, int maxLength) {
        JsonValue value = body.get(name);
        if (value == null || value.isNull()) return error(name, "is required");
        if (!value.isString()) return error(name, "must be a string");
        String text = value.asString().strip();
        if (text.isEmpty()) return error(name, "must not be blank");
        String flaw = JsonText.flaw(text);
        if (flaw != null) return error(name, flaw);
        if (text.length() > maxLength) {
            return error(name, "must be at most " + maxLength + " characters");
        }
        return text;
    }

    /** A required whole number in [min, max]; 0 if invalid. */
    public long integer(String name, long min, long max) {
        JsonValue value = body.get(name);
        if (value == null || value.isNull()) return errorNumber(name, "is required");
        if (!value.isNumber()) return errorNumber(name, "must be a number");
        String raw = value.toString();
        long n;
        try {
            n = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return errorNumber(name, "must be a whole number from " + min + " to " + max);
        }
        if (n < min || n > max) {
            return errorNumber(name, "must be from " + min + " to " + max);
        }
        return n;
    }

    /** Records an error found by the caller's own rule. */
    public <T> T error(String field, String message) {
        errors.add(Json.object().add("field", field).add("message", message));
        return null;
    }

    private long errorNumber(String field, String message) {
        error(field, message);
        return 0;
    }

    /** Throws a 400 listing every error, if there was any. */
    public void check() {
        if (errors.isEmpty()) return;
        throw Problem.of(400, "invalid-fields", "Invalid Fields",
                        errors.size() + " field(s) are invalid")
                .with("errors", errors);
    }
}
