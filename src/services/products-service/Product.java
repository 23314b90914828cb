package productsservice;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.util.regex.Pattern;
import kit.Fields;

/** A product of the catalogue: a unique stock-keeping unit (sku), a name, a price, a stock. */
record Product(long id, String sku, String name, long priceCents, long stock) {
    static final int MAX_NAME = 120;
    static final long MAX_PRICE_CENTS = 100_000_000; // one million in the shop's currency
    static final long MAX_STOCK = 1_000_000;
    private static final Pattern SKU = Pattern.compile("[A-Z0-9][A-Z0-9-]{2,31}");
    private static final String[] FIELDS = {"sku", "name", "price_cents", "stock"};

    JsonObject toJson() {
        return Json.object().add("id", id).add("sku", sku).add("name", name)
                .add("price_cents", priceCents).add("stock", stock);
    }

    /** The fields of a create or a full replace: all required. */
    static Product from(long id, JsonObject body) {
        Fields fields = new Fields(body).only(FIELDS);
        String sku = sku(fields);
        String name = fields.string("name", MAX_NAME);
        long price = fields.integer("price_cents", 0, MAX_PRICE_CENTS);
        long stock = fields.integer("stock", 0, MAX_STOCK);
        fields.check();
        return new Product(id, sku, name, price, stock);
    }

    /** A partial update: the fields given replace those of this product. */
    Product patch(JsonObject body) {
        Fields fields = new Fields(body).only(FIELDS);
        if (body.isEmpty()) fields.error("body", "names no field to change");
        String newSku = fields.has("sku") ? sku(fields) : sku;
        String newName = fields.has("name") ? fields.string("name", MAX_NAME) : name;
        long newPrice = fields.has("price_cents")
                ? fields.integer("price_cents", 0, MAX_PRICE_CENTS) : priceCents;
        long newStock = fields.has("stock") ? fields.integer("stock", 0, MAX_STOCK) : stock;
        fields.check();
        return new Product(id, newSku, newName, newPrice, newStock);
    }

    private static String sku(Fields fields) {
        String sku = fields.string("sku", 32);
        if (sku != null && !SKU.matcher(sku).matches()) {
            return fields.error("sku", "must be 3 to 32 of A-Z, 0-9 and '-', e.g. PEN-BLUE-01");
        }
        return sku;
    }
}
