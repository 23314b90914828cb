package data;

import com.eclipsesource.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What a service's rows are: its table, the columns a client may set, and how a request's
 * body becomes their values. Everything else about serving them ({@link Table},
 * {@link Resource}) is the same for every service.
 */
public interface Schema {
    /** The table, in the plural: {@code products}. */
    String table();

    /** One row, for messages: {@code product}. */
    String entity();

    /** The columns a client sets, in the order answers show them (after {@code id}). */
    List<String> columns();

    /** The column with a unique constraint, which a 409 names. */
    String unique();

    /** The values of a create or a full replace: every column, validated (400 otherwise). */
    Map<String, Object> whole(JsonObject body);

    /** The values a partial update changes: at least one column, validated. */
    Map<String, Object> changes(JsonObject body);
}
