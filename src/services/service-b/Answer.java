package serviceb;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.net.http.HttpResponse;
import kit.CallFailure;

/** A usable answer from A: a status below 500 and a JSON object. */
record Answer(int status, JsonObject body) {
    /** {@code response} as an answer B can use, or why it cannot (from {@code host}). */
    static Answer of(HttpResponse<String> response, String host) throws CallFailed {
        int status = response.statusCode();
        if (status >= 500) throw new CallFailed(CallFailure.BROKEN, host + " answered " + status);
        try {
            JsonValue body = Json.parse(response.body());
            if (body.isObject()) return new Answer(status, body.asObject());
        } catch (ParseException e) {
            // reported below
        }
        throw new CallFailed(CallFailure.BROKEN, host + " answered " + status
                + " with a body that is not a JSON object");
    }
}
