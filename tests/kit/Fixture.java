import com.eclipsesource.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import kit.Client;
import kit.Fields;
import kit.Log;
import kit.Request;
import kit.Service;

/** A small service on the kit with one route per behaviour the kit suite checks. */
public final class Fixture {
    private static final HttpClient CLIENT = Client.create(Duration.ofSeconds(1));

    public static void main(String[] args) {
        Service.run("fixture", service -> service.routes()
                .get("/call", Fixture::call)
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

    /** Calls this fixture's /items/7 with kit.Client, by ?scheme=http or https. */
    private static void call(Request request) throws IOException {
        String scheme = request.query("scheme").orElse("http");
        URI uri = URI.create(scheme + "://127.0.0.1:" + System.getenv("PORT") + "/items/7");
        try {
            HttpResponse<String> answer = CLIENT.send(
                    Client.request(uri, Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            request.respond(200, Json.object().add("status", answer.statusCode())
                    .add("body", answer.body()));
        } catch (Exception e) {
            request.respond(502, Json.object().add("error", e.toString()));
        }
    }

    /** Sleeps ?ms= before answering; logs "slow request started" first, for the tests to see. */
    private static void slow(Request request) throws IOException {
        int ms = request.queryInt("ms", 500, 0, 5000);
        Log.info("slow request started", "ms", ms);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        request.respond(200, Json.object().add("slept_ms", ms));
    }
}
