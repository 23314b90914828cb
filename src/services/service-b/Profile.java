package serviceb;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import kit.Problem;

/**
 * A profile: a user of service A told for people ("Ada Lovelace active since 2021-03-14") with
 * the days they have been active. B reads A's answers strictly: a field it cannot read is A's
 * fault, a 502, never a 500 of B's own.
 */
final class Profile {
    private Profile() {}

    /** The profile of one user object of A, as of {@code today}. */
    static JsonObject of(JsonObject user, LocalDate today) {
        long id = number(user, "id");
        String name = text(user, "name");
        String status = text(user, "status");
        LocalDate signedUp = date(user, "signed_up");
        boolean active = switch (status) {
            case "active" -> true;
            case "suspended" -> false;
            default -> throw unreadable("status \"" + status + "\"");
        };
        return new JsonObject()
                .add("id", id)
                .add("name", name)
                .add("status", status)
                .add("signed_up", signedUp.toString())
                .add("summary", active
                        ? name + " active since " + signedUp
                        : name + " suspended, signed up " + signedUp)
                .add("days_active", active
                        ? Json.value(ChronoUnit.DAYS.between(signedUp, today))
                        : Json.NULL);
    }

    /** The profiles of every user in A's list answer {@code {"users": [...]}}. */
    static JsonArray all(JsonObject list, LocalDate today) {
        JsonValue users = list.get("users");
        if (users == null || !users.isArray()) throw unreadable("users");
        JsonArray profiles = new JsonArray();
        for (JsonValue user : users.asArray()) {
            if (!user.isObject()) throw unreadable("an element of users");
            profiles.add(of(user.asObject(), today));
        }
        return profiles;
    }

    /** The string member {@code name} of an answer of A. */
    static String text(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null || !value.isString()) throw unreadable(name);
        return value.asString();
    }

    private static long number(JsonObject object, String name) {
        JsonValue value = object.get(name);
        try {
            if (value != null && value.isNumber()) return Long.parseLong(value.toString());
        } catch (NumberFormatException e) {
            // reported below
        }
        throw unreadable(name);
    }

    private static LocalDate date(JsonObject object, String name) {
        String text = text(object, name);
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw unreadable(name + " \"" + text + "\"");
        }
    }

    private static Problem unreadable(String what) {
        return Problem.of(502, "bad-gateway", "Bad Gateway",
                "service A answered with an unreadable " + what);
    }
}
