package productsservice;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import java.io.IOException;
import kit.Handler;
import kit.Problem;
import kit.Request;
import kit.Service;

/**
 * Challenge 5's products service: create, read, update and delete the catalogue held in
 * memory, plus the {@code /debug} routes that let the gateway's tests see what arrived. Every
 * answer names the replica that served it in {@code X-Served-By}.
 */
public final class Main {
    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 100;

    private final ProductStore store = ProductStore.seeded();
    private final String instance;

    private Main(String instance) {
        this.instance = instance;
    }

    public static void main(String[] args) {
        Service.run("products-service", service -> {
            Main products = new Main(service.instance());
            Debug debug = new Debug();
            service.routes()
                    .get("/products", products.served(products::list))
                    .post("/products", products.served(products::create))
                    .get("/products/{id}", products.served(products::read))
                    .put("/products/{id}", products.served(products::replace))
                    .patch("/products/{id}", products.served(products::update))
                    .delete("/products/{id}", products.served(products::delete))
                    .get("/debug/bytes/{n}", products.served(debug::bytes));
            for (String method : Debug.ECHO_METHODS) {
                service.routes()
                        .add(method, "/debug/echo", products.served(debug::echo))
                        .add(method, "/debug/echo/{rest}", products.served(debug::echo));
            }
            service.metrics().gauge("products_stored", "Products held by this replica.",
                    products.store::size);
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
        store.page(offset, limit).forEach(product -> items.add(product.toJson()));
        request.respond(200, Json.object()
                .add("items", items)
                .add("total", store.size())
                .add("offset", offset)
                .add("limit", limit));
    }

    private void create(Request request) throws IOException {
        Product product = store.create(Product.from(0, request.jsonObject()));
        request.header("Location", "/products/" + product.id()).respond(201, product.toJson());
    }

    private void read(Request request) throws IOException {
        request.respond(200, existing(request.id("id")).toJson());
    }

    private void replace(Request request) throws IOException {
        long id = request.id("id");
        existing(id); // 404 before 400: there is nothing to replace
        request.respond(200, store.replace(Product.from(id, request.jsonObject())).toJson());
    }

    private void update(Request request) throws IOException {
        Product current = existing(request.id("id"));
        request.respond(200, store.replace(current.patch(request.jsonObject())).toJson());
    }

    private void delete(Request request) throws IOException {
        long id = request.id("id");
        if (!store.delete(id)) throw Problem.notFound("no product " + id);
        request.noContent();
    }

    private Product existing(long id) {
        return store.find(id).orElseThrow(() -> Problem.notFound("no product " + id));
    }
}
