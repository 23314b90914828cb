package usersservice;

import com.eclipsesource.json.JsonObject;
import data.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import kit.Fields;

/** A user of the shop: a display name and a unique e-mail address (sql/users/). */
final class UserSchema extends Schema {
    static final int MAX_NAME = 100;
    static final int MAX_EMAIL = 254;
    private static final List<String> COLUMNS = List.of("name", "email");
    // Deliberately loose: one @, something on each side, a dot in the domain. Real checks
    // send a mail; a stricter pattern only rejects valid addresses.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    UserSchema() {
        super("users", "user", COLUMNS, "email");
    }

    @Override
    public Map<String, Object> whole(JsonObject body) {
        Fields fields = new Fields(body).only("name", "email");
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", fields.string("name", MAX_NAME));
        values.put("email", email(fields));
        fields.check();
        return values;
    }

    @Override
    public Map<String, Object> changes(JsonObject body) {
        Fields fields = new Fields(body).only("name", "email");
        if (body.isEmpty()) fields.error("body", "names no field to change (name, email)");
        Map<String, Object> values = new LinkedHashMap<>();
        if (fields.has("name")) values.put("name", fields.string("name", MAX_NAME));
        if (fields.has("email")) values.put("email", email(fields));
        fields.check();
        return values;
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
