import com.eclipsesource.json.Json;
import java.io.IOException;
import kit.Fields;
import kit.Request;
import kit.Service;

/** A small service on the kit with one route per behaviour the kit suite checks. */
public final class Fixture {
    public static void main(String[] args) {
        Service.run("fixture", service -> service.routes()
                .get("/items/{id}", Fixture::item)
                .post("/items", Fixture::create)
                .get("/boom", request -> {
                    throw new IllegalStateException("a bug in a handler");
                })
                .get("/slow", Fixture::slow));
    }

    private static void item(Request request) throws IOException {
        request.respond(200, Json.object().add("id", request.id("id")));
    }

    private static void create(Request request) throws IOException {
        Fields fields = new Fields(request.jsonObject()).only("name", "price");
        String name = fields.string("name", 20);
        long price = fields.integer("price", 0, 1_000_000);
        fields.check();
        request.respond(201, Json.object().add("name", name).add("price", price));
    }

    private static void slow(Request request) throws IOException {
        int ms = request.queryInt("ms", 500, 0, 5000);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        request.respond(200, Json.object().add("slept_ms", ms));
    }
}
