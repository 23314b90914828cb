package servicea;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import kit.Problem;
import kit.Request;
import kit.Service;

/**
 * Service A of challenge 4: a small read-only API of users. It publishes no port; only service B
 * reaches it, over their internal network. Every answer names the instance that served it, so a
 * caller can see how its calls spread over the replicas.
 */
public final class Main {
    private final Service service;
    private final UserStore users;

    private Main(Service service, UserStore users) {
        this.service = service;
        this.users = users;
    }

    public static void main(String[] args) {
        Service.run("service-a", service -> {
            Main a = new Main(service, UserStore.seeded());
            service.routes()
                    .get("/users", a::handleList)
                    .get("/users/{id}", a::handleOne);
        });
    }

    /** {@code GET /users[?status=active|suspended]}: every user, in id order. */
    private void handleList(Request request) throws IOException {
        List<User> found = users.list(status(request));
        JsonArray list = new JsonArray();
        for (User user : found) list.add(user.toJson());
        request.respond(200, new JsonObject()
                .add("count", found.size())
                .add("users", list)
                .add("served_by", service.instance()));
    }

    /** {@code GET /users/{id}}: one user, 404 for an unknown id, 400 for a malformed one. */
    private void handleOne(Request request) throws IOException {
        long id = request.id("id");
        User user = users.find(id).orElseThrow(() -> Problem.notFound("no user with id " + id));
        request.respond(200, user.toJson().add("served_by", service.instance()));
    }

    private static Optional<User.Status> status(Request request) {
        Optional<String> raw = request.query("status");
        if (raw.isEmpty()) return Optional.empty();
        return Optional.of(User.Status.parse(raw.get()).orElseThrow(() -> Problem.badRequest(
                "query parameter status must be active or suspended, got \"" + raw.get() + "\"")));
    }
}
