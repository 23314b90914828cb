package productsservice;

import com.eclipsesource.json.JsonObject;
import data.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import kit.Fields;

/**
 * A product of the catalogue: a unique stock-keeping unit (sku), a name, a price, a stock
 * (sql/products/).
 */
final class ProductSchema extends Schema {
    static final int MAX_NAME = 120;
    static final long MAX_PRICE_CENTS = 100_000_000; // one million in the shop's currency
    static final long MAX_STOCK = 1_000_000;
    private static final List<String> COLUMNS = List.of("sku", "name", "price_cents", "stock");
    private static final Pattern SKU = Pattern.compile("[A-Z0-9][A-Z0-9-]{2,31}");

    ProductSchema() {
        super("products", "product", COLUMNS, "sku");
    }

    @Override
    public Map<String, Object> whole(JsonObject body) {
        Fields fields = new Fields(body).only(COLUMNS.toArray(String[]::new));
        Map<String, Object> values = new LinkedHashMap<>();
        for (String column : COLUMNS) values.put(column, value(fields, column));
        fields.check();
        return values;
    }

    @Override
    public Map<String, Object> changes(JsonObject body) {
        Fields fields = new Fields(body).only(COLUMNS.toArray(String[]::new));
        if (body.isEmpty()) fields.error("body", "names no field to change");
        Map<String, Object> values = new LinkedHashMap<>();
        for (String column : COLUMNS) {
            if (fields.has(column)) values.put(column, value(fields, column));
        }
        fields.check();
        return values;
    }

    private static Object value(Fields fields, String column) {
        return switch (column) {
            case "sku" -> sku(fields);
            case "name" -> fields.string("name", MAX_NAME);
            case "price_cents" -> fields.integer("price_cents", 0, MAX_PRICE_CENTS);
            case "stock" -> fields.integer("stock", 0, MAX_STOCK);
            default -> throw new IllegalArgumentException("no column " + column);
        };
    }

    private static String sku(Fields fields) {
        String sku = fields.string("sku", 32);
        if (sku != null && !SKU.matcher(sku).matches()) {
            return fields.error("sku", "must be 3 to 32 of A-Z, 0-9 and '-', e.g. PEN-BLUE-01");
        }
        return sku;
    }
}
