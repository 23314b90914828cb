package data;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import kit.Problem;

/**
 * A schema's table as its resource uses it: one row, a page with the total, insert, update,
 * delete. Rows come back as JSON objects, {@code id} first, then the columns in the schema's
 * order. Column names come from the schema, never from a request; every value is a bound
 * parameter. Writes take {@code ifLate}, as {@link Database#run(Database.Work, Runnable)}.
 */
public final class Table {
    /**
     * A table holds at most this many rows, so that writes cannot fill the disk: an insert
     * past it is a 507. (Checked by the insert itself; inserts at the same moment may each see
     * room for one more.)
     */
    public static final int CAPACITY = 10_000;
    /** PostgreSQL's SQLSTATE for a unique constraint violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;
    private final Schema schema;
    private final String returning;

    public Table(Database database, Schema schema) {
        this.database = database;
        this.schema = schema;
        this.returning = "id, " + String.join(", ", schema.columns());
    }

    /** Row {@code id}, or {@code null}. */
    public JsonObject find(long id) {
        String sql = "SELECT " + returning + " FROM " + schema.table() + " WHERE id = ?";
        return database.run(connection -> single(connection, sql, List.of(id)));
    }

    /** One page in id order: {@code {items, total, offset, limit}}. */
    public JsonObject page(int limit, int offset) {
        String count = "SELECT count(*) FROM " + schema.table();
        String rows = "SELECT " + returning + " FROM " + schema.table()
                + " ORDER BY id LIMIT ? OFFSET ?";
        return database.run(connection -> {
            long total;
            try (PreparedStatement statement = connection.prepareStatement(count);
                    ResultSet result = statement.executeQuery()) {
                result.next();
                total = result.getLong(1);
            }
            JsonArray items = new JsonArray();
            try (PreparedStatement statement = prepare(connection, rows, List.of(limit, offset));
                    ResultSet result = statement.executeQuery()) {
                while (result.next()) items.add(toJson(result));
            }
            return Json.object().add("items", items).add("total", total)
                    .add("offset", offset).add("limit", limit);
        });
    }

    /** The new row; 409 when its unique column is taken, 507 when the table is full. */
    public JsonObject insert(Map<String, Object> values, Runnable ifLate) {
        String sql = "INSERT INTO " + schema.table() + " (" + String.join(", ", values.keySet())
                + ") SELECT " + String.join(", ", marks(values.size()))
                + " WHERE (SELECT count(*) FROM " + schema.table() + ") < ?"
                + " RETURNING " + returning;
        List<Object> parameters = new ArrayList<>(values.values());
        parameters.add(CAPACITY);
        JsonObject row = database.run(connection -> write(connection, sql, parameters, values),
                ifLate);
        if (row == null) {
            throw Problem.of(507, "insufficient-storage", "Insufficient Storage",
                    "the database holds its maximum of " + CAPACITY + " " + schema.table()
                            + "; delete some first");
        }
        return row;
    }

    /** Row {@code id} with {@code values} set, or {@code null} if there is none; 409 as above. */
    public JsonObject update(long id, Map<String, Object> values, Runnable ifLate) {
        List<String> assignments = values.keySet().stream().map(c -> c + " = ?").toList();
        String sql = "UPDATE " + schema.table() + " SET " + String.join(", ", assignments)
                + " WHERE id = ? RETURNING " + returning;
        List<Object> parameters = new ArrayList<>(values.values());
        parameters.add(id);
        return database.run(connection -> write(connection, sql, parameters, values), ifLate);
    }

    /** Whether row {@code id} was there (and is gone now). */
    public boolean delete(long id, Runnable ifLate) {
        String sql = "DELETE FROM " + schema.table() + " WHERE id = ?";
        return database.run(connection -> {
            try (PreparedStatement statement = prepare(connection, sql, List.of(id))) {
                return statement.executeUpdate() == 1;
            }
        }, ifLate);
    }

    private JsonObject write(Connection connection, String sql, List<Object> parameters,
            Map<String, Object> values) throws SQLException {
        try {
            return single(connection, sql, parameters);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
            Object taken = values.get(schema.unique());
            throw Problem.conflict("a " + schema.entity() + " with " + schema.unique()
                            + (taken == null ? " as given" : " \"" + taken + "\"")
                            + " already exists")
                    .with("field", Json.value(schema.unique()));
        }
    }

    private static JsonObject single(Connection connection, String sql, List<Object> parameters)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet result = statement.executeQuery()) {
            return result.next() ? toJson(result) : null;
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql,
            List<Object> parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private static List<String> marks(int count) {
        return Collections.nCopies(count, "?");
    }

    /** The current row as JSON: whole numbers as numbers, everything else as text. */
    private static JsonObject toJson(ResultSet row) throws SQLException {
        ResultSetMetaData columns = row.getMetaData();
        JsonObject json = new JsonObject();
        for (int i = 1; i <= columns.getColumnCount(); i++) {
            String name = columns.getColumnLabel(i);
            switch (columns.getColumnType(i)) {
                case Types.BIGINT, Types.INTEGER, Types.SMALLINT -> json.add(name, row.getLong(i));
                default -> json.add(name, row.getString(i));
            }
        }
        return json;
    }
}
