package usersservice;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.util.Locale;
import java.util.regex.Pattern;
import kit.Fields;

/** A user of the shop: an id, a display name and a unique e-mail address. */
record User(long id, String name, String email) {
    static final int MAX_NAME = 100;
    static final int MAX_EMAIL = 254;
    // Deliberately loose: one @, something on each side, a dot in the domain. Real checks
    // send a mail; a stricter pattern only rejects valid addresses.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    JsonObject toJson() {
        return Json.object().add("id", id).add("name", name).add("email", email);
    }

    /** The fields of a create or a full replace: all required. */
    static User from(long id, JsonObject body) {
        Fields fields = new Fields(body).only("name", "email");
        String name = fields.string("name", MAX_NAME);
        String email = email(fields);
        fields.check();
        return new User(id, name, email);
    }

    /** A partial update: the fields given replace those of {@code current}. */
    User patch(JsonObject body) {
        Fields fields = new Fields(body).only("name", "email");
        if (body.isEmpty()) fields.error("body", "names no field to change (name, email)");
        String newName = fields.has("name") ? fields.string("name", MAX_NAME) : name;
        String newEmail = fields.has("email") ? email(fields) : email;
        fields.check();
        return new User(id, newName, newEmail);
    }

    private static String email(Fields fields) {
        String email = fields.string("email", MAX_EMAIL);
        if (email == null) return null;
        if (!EMAIL.matcher(email).matches()) {
            return fields.error("email", "must look like name@example.org");
        }
        // Addresses differ only in case more often by typo than by intent: one account each.
        return email.toLowerCase(Locale.ROOT);
    }
}
