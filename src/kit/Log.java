package kit;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.time.Instant;

/**
 * One JSON object per line on standard output, so {@code docker compose logs} stays readable
 * and every line can be filtered by field (for example by {@code request_id}). Lines are
 * written by {@link LogWriter}, never by the caller's thread.
 */
public final class Log {
    /** The longest value a line carries whole. */
    static final int MAX_VALUE_CHARS = 1024;

    private Log() {}

    /** Logs {@code message} with alternating field names and values. */
    public static void info(String message, Object... fields) {
        write("info", message, fields);
    }

    public static void warn(String message, Object... fields) {
        write("warn", message, fields);
    }

    public static void error(String message, Object... fields) {
        write("error", message, fields);
    }

    private static void write(String level, String message, Object... fields) {
        JsonObject line = Json.object()
                .add("time", Instant.now().toString())
                .add("level", level)
                .add("msg", capped(message));
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.add(capped(String.valueOf(fields[i])), toJson(fields[i + 1]));
        }
        // Every line written while handling a request carries its id, so one grep finds all.
        String id = RequestId.current();
        if (id != null && line.get("request_id") == null) line.add("request_id", id);
        LogWriter.write(line.toString());
    }

    /** Writes out every line logged so far (waits at most a second): before the JVM exits. */
    static void flush() {
        LogWriter.flush(1000);
    }

    private static JsonValue toJson(Object value) {
        if (value == null) return Json.NULL;
        if (value instanceof JsonValue json) return json;
        if (value instanceof Integer n) return Json.value(n);
        if (value instanceof Long n) return Json.value(n);
        if (value instanceof Double n) return Json.value(n);
        if (value instanceof Boolean b) return Json.value(b);
        return Json.value(capped(String.valueOf(value)));
    }

    /**
     * A value cut to {@link #MAX_VALUE_CHARS}: log lines carry error texts and client input,
     * and one line must not take the room of thousands.
     */
    private static String capped(String text) {
        if (text.length() <= MAX_VALUE_CHARS) return text;
        return text.substring(0, MAX_VALUE_CHARS) + "…(" + text.length() + " chars)";
    }
}
