package data;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.util.Map;
import kit.Handler;
import kit.Log;
import kit.Problem;
import kit.Request;
import kit.Service;

/**
 * A table served as a REST resource at {@code PATH}: {@code GET} and {@code POST PATH},
 * {@code GET}, {@code PUT}, {@code PATCH} and {@code DELETE PATH/{id}}. A body is validated
 * whole before anything reaches the database (400 listing every bad field); a missing row is a
 * 404, a taken unique value a 409. Every answer, errors included, names the replica that
 * served it in {@code X-Served-By}, so a client of the gateway can see how requests spread.
 */
public final class Resource {
    public static final int DEFAULT_PAGE = 20;
    public static final int MAX_PAGE = 100;
    /** Deep offsets make PostgreSQL read and skip every row before them; cap the cost. */
    public static final int MAX_OFFSET = 10_000;

    private final Service service;
    private final String path;
    private final Schema schema;
    private final Table table;
    private final Reads reads;

    /** The rows of {@code schema}, kept in {@code database}, read as {@code reads} says. */
    public Resource(Service service, String path, Schema schema, Database database,
            Reads reads) {
        this.service = service;
        this.path = path;
        this.schema = schema;
        this.table = new Table(database, schema);
        this.reads = reads;
    }

    /** Adds the six routes to the service's table. */
    public Resource register() {
        service.routes()
                .get(path, served(this::list))
                .post(path, served(this::create))
                .get(path + "/{id}", served(this::read))
                .put(path + "/{id}", served(this::replace))
                .patch(path + "/{id}", served(this::update))
                .delete(path + "/{id}", served(this::delete));
        return this;
    }

    /** Tags every answer of {@code handler}, errors included, with this replica's name. */
    public Handler served(Handler handler) {
        return request -> {
            request.responseHeader("X-Served-By", service.instance());
            handler.handle(request);
        };
    }

    private void list(Request request) throws IOException {
        int limit = request.queryInt("limit", DEFAULT_PAGE, 1, MAX_PAGE);
        int offset = request.queryInt("offset", 0, 0, MAX_OFFSET);
        request.respond(200, reads.page(request, limit, offset, () -> table.page(limit, offset)));
    }

    private void create(Request request) throws IOException {
        Map<String, Object> values = schema.whole(request.jsonObject());
        // Its id is unknown until it commits: a late create can only say "some new row".
        JsonObject created = table.insert(values, () -> changedLate(0));
        long id = created.get("id").asLong();
        // A "not found" cached for this id, and every page, are now wrong.
        reads.changed(id);
        request.responseHeader("Location", path + "/" + id).respond(201, created);
    }

    private void read(Request request) throws IOException {
        long id = request.id("id");
        JsonValue row = reads.row(request, id, () -> table.find(id));
        if (row == null) throw notFound(id);
        request.respond(200, row);
    }

    private void replace(Request request) throws IOException {
        long id = request.id("id");
        written(request, id, table.update(id, schema.whole(request.jsonObject()),
                () -> changedLate(id)));
    }

    private void update(Request request) throws IOException {
        long id = request.id("id");
        written(request, id, table.update(id, schema.changes(request.jsonObject()),
                () -> changedLate(id)));
    }

    private void delete(Request request) throws IOException {
        long id = request.id("id");
        if (!table.delete(id, () -> changedLate(id))) throw notFound(id);
        reads.changed(id);
        request.noContent();
    }

    private void written(Request request, long id, JsonObject row) throws IOException {
        if (row == null) throw notFound(id);
        reads.changed(id);
        request.respond(200, row);
    }

    /**
     * A write answered 503 (no answer within the deadline) has ended since, and may have
     * committed: what it may have made stale goes now.
     */
    private void changedLate(long id) {
        reads.changed(id);
        Log.info("late write ended", "table", schema.table(), "id", id);
    }

    private Problem notFound(long id) {
        return Problem.notFound("no " + schema.entity() + " " + id);
    }
}
