package catalog;

import com.eclipsesource.json.JsonObject;
import java.util.regex.Pattern;
import kit.Fields;

/** The fields a client sends to create or replace a product, validated all at once. */
record Product(String sku, String name, int priceCents, int stock) {
    static final int MAX_SKU_LENGTH = 64;
    static final int MAX_NAME_LENGTH = 200;
    /** The columns are PostgreSQL {@code integer}s. */
    static final int MAX_INTEGER = Integer.MAX_VALUE;
    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Reads a body; any invalid or unknown field is a 400 that lists them all. */
    static Product from(JsonObject body) {
        Fields fields = new Fields(body).only("sku", "name", "price_cents", "stock");
        String sku = fields.string("sku", MAX_SKU_LENGTH);
        if (sku != null && !SKU.matcher(sku).matches()) {
            sku = fields.error("sku", "may hold only letters, digits, '.', '_' and '-',"
                    + " starting with a letter or digit");
        }
        String name = fields.string("name", MAX_NAME_LENGTH);
        long price = fields.integer("price_cents", 0, MAX_INTEGER);
        long stock = fields.integer("stock", 0, MAX_INTEGER);
        fields.check();
        return new Product(sku, name, (int) price, (int) stock);
    }
}
