package servicea;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/** One user: an immutable value, so the store can hand it to any thread. */
record User(long id, String name, LocalDate signedUp, Status status) {
    /** Whether a user may use the product; the JSON name is the lower-case constant. */
    enum Status {
        ACTIVE, SUSPENDED;

        /** The status named {@code text} ("active", "suspended"), if it is one. */
        static Optional<Status> parse(String text) {
            for (Status status : values()) {
                if (status.jsonName().equals(text)) return Optional.of(status);
            }
            return Optional.empty();
        }

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    JsonObject toJson() {
        return Json.object()
                .add("id", id)
                .add("name", name)
                .add("signed_up", signedUp.toString())
                .add("status", status.jsonName());
    }
}
