package usersservice;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import java.io.IOException;
import kit.Handler;
import kit.Problem;
import kit.Request;
import kit.Service;

/**
 * Challenge 5's users service: create, read, update and delete users held in memory. Every
 * answer names the replica that served it in {@code X-Served-By}, so a client of the gateway
 * can see how requests spread.
 */
public final class Main {
    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 100;

    private final UserStore store = UserStore.seeded();
    private final String instance;

    private Main(String instance) {
        this.instance = instance;
    }

    public static void main(String[] args) {
        Service.run("users-service", service -> {
            Main users = new Main(service.instance());
            service.routes()
                    .get("/users", users.served(users::list))
                    .post("/users", users.served(users::create))
                    .get("/users/{id}", users.served(users::read))
                    .put("/users/{id}", users.served(users::replace))
                    .patch("/users/{id}", users.served(users::update))
                    .delete("/users/{id}", users.served(users::delete));
            service.metrics().gauge("users_stored", "Users held by this replica.",
                    users.store::size);
        });
    }

    /** Tags every answer of {@code handler}, errors included, with this replica's name. */
    private Handler served(Handler handler) {
        return request -> {
            request.header("X-Served-By", instance);
            handler.handle(request);
        };
    }

    private void list(Request request) throws IOException {
        int limit = request.queryInt("limit", DEFAULT_PAGE, 1, MAX_PAGE);
        int offset = request.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        JsonArray items = new JsonArray();
        store.page(offset, limit).forEach(user -> items.add(user.toJson()));
        request.respond(200, Json.object()
                .add("items", items)
                .add("total", store.size())
                .add("offset", offset)
                .add("limit", limit));
    }

    private void create(Request request) throws IOException {
        User user = store.create(User.from(0, request.jsonObject()));
        request.header("Location", "/users/" + user.id()).respond(201, user.toJson());
    }

    private void read(Request request) throws IOException {
        request.respond(200, existing(request.id("id")).toJson());
    }

    private void replace(Request request) throws IOException {
        long id = request.id("id");
        existing(id); // 404 before 400: there is nothing to replace
        request.respond(200, store.replace(User.from(id, request.jsonObject())).toJson());
    }

    private void update(Request request) throws IOException {
        User current = existing(request.id("id"));
        request.respond(200, store.replace(current.patch(request.jsonObject())).toJson());
    }

    private void delete(Request request) throws IOException {
        if (!store.delete(request.id("id"))) throw Problem.notFound("no user " + request.id("id"));
        request.noContent();
    }

    private User existing(long id) {
        return store.find(id).orElseThrow(() -> Problem.notFound("no user " + id));
    }
}
