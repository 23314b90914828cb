package data;

import com.eclipsesource.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What a service's rows are: its table, the columns a client may set, and how a request's
 * body becomes their values. Everything else about serving them ({@link Table},
 * {@link Resource}) is the same for every service.
 */
public abstract class Schema {
    private final String table;
    private final String entity;
    private final List<String> columns;
    private final String unique;

    /**
     * @param table the table, in the plural: {@code products}
     * @param entity one row, for messages: {@code product}
     * @param columns the columns a client sets, in the order answers show them (after id)
     * @param unique the column with a unique constraint, which a 409 names
     */
    protected Schema(String table, String entity, List<String> columns, String unique) {
        this.table = table;
        this.entity = entity;
        this.columns = List.copyOf(columns);
        this.unique = unique;
    }

    public final String table() {
        return table;
    }

    public final String entity() {
        return entity;
    }

    public final List<String> columns() {
        return columns;
    }

    public final String unique() {
        return unique;
    }

    /** The values of a create or a full replace: every column, validated (400 otherwise). */
    public abstract Map<String, Object> whole(JsonObject body);

    /** The values a partial update changes: at least one column, validated. */
    public abstract Map<String, Object> changes(JsonObject body);
}
