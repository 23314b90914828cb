package catalog;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import data.Database;
import java.time.OffsetDateTime;
import kit.Problem;

/**
 * The products table: one prepared statement per operation, rows returned as the JSON the API
 * answers with. A missing product is {@code null}; a duplicate sku is a 409 problem.
 */
final class ProductStore {
    private static final String COLUMNS =
            "id, sku, name, price_cents, stock, created_at, updated_at";
    private static final String FIND = "SELECT " + COLUMNS + " FROM products WHERE id = ?";
    private static final String LIST =
            "SELECT " + COLUMNS + " FROM products ORDER BY id LIMIT ? OFFSET ?";
    private static final String CREATE = "INSERT INTO products (sku, name, price_cents, stock)"
            + " VALUES (?, ?, ?, ?) RETURNING " + COLUMNS;
    private static final String UPDATE = "UPDATE products"
            + " SET sku = ?, name = ?, price_cents = ?, stock = ?, updated_at = now()"
            + " WHERE id = ? RETURNING " + COLUMNS;
    /** PostgreSQL's SQLSTATE for a unique constraint violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;

    ProductStore(Database database) {
        this.database = database;
    }

    /** The product {@code id}, or {@code null}. */
    JsonObject find(long id) {
        return database.run(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(FIND)) {
                statement.setLong(1, id);
                return single(statement);
            }
        });
    }

    /** One page of products in id order. */
    JsonArray list(int limit, int offset) {
        return database.run(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(LIST)) {
                statement.setInt(1, limit);
                statement.setInt(2, offset);
                JsonArray items = new JsonArray();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) items.add(toJson(rows));
                }
                return items;
            }
        });
    }

    /** The stored product; {@code ifLate} as in {@link Database#run(Database.Work, Runnable)}. */
    JsonObject create(Product product, Runnable ifLate) {
        return database.run(connection -> write(connection, CREATE, product, 0), ifLate);
    }

    /** The replaced product, or {@code null} if there is no product {@code id}. */
    JsonObject update(long id, Product product, Runnable ifLate) {
        return database.run(connection -> write(connection, UPDATE, product, id), ifLate);
    }

    private static JsonObject write(Connection connection, String sql, Product product, long id)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, product.sku());
            statement.setString(2, product.name());
            statement.setInt(3, product.priceCents());
            statement.setInt(4, product.stock());
            if (id > 0) statement.setLong(5, id);
            return single(statement);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
            throw Problem.conflict("a product with sku \"" + product.sku() + "\" already exists")
                    .with("field", Json.value("sku"));
        }
    }

    private static JsonObject single(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? toJson(rows) : null;
        }
    }

    private static JsonObject toJson(ResultSet row) throws SQLException {
        return Json.object()
                .add("id", row.getLong(1))
                .add("sku", row.getString(2))
                .add("name", row.getString(3))
                .add("price_cents", row.getInt(4))
                .add("stock", row.getInt(5))
                .add("created_at", instant(row, 6))
                .add("updated_at", instant(row, 7));
    }

    private static String instant(ResultSet row, int column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant().toString();
    }
}
