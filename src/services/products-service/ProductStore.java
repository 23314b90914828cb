package productsservice;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import kit.Problem;

/**
 * The catalogue of one replica, in memory. Every method is synchronized: the sku index and the
 * products must change together. Each replica holds its own copy (see the README's experiments).
 */
final class ProductStore {
    private final Map<Long, Product> byId = new TreeMap<>();
    private final Map<String, Long> idBySku = new HashMap<>();
    private long lastId;

    /** A replica holds at most this many products, so that writes cannot fill its heap. */
    static final int CAPACITY = 10_000;

    /** A store holding the course's five seed products, ids 1 to 5. */
    static ProductStore seeded() {
        ProductStore store = new ProductStore();
        store.create(new Product(0, "PEN-BLUE-01", "Blue pen", 150, 500));
        store.create(new Product(0, "NOTEBOOK-A5", "A5 notebook", 450, 120));
        store.create(new Product(0, "MUG-CERAMIC", "Ceramic mug", 900, 40));
        store.create(new Product(0, "STICKER-WHALE", "Whale sticker", 100, 1000));
        store.create(new Product(0, "LAMP-DESK", "Desk lamp", 2999, 12));
        return store;
    }

    /** Stores {@code draft} under a new id; 409 when its sku is taken. */
    synchronized Product create(Product draft) {
        requireRoom();
        requireFreeSku(draft.sku(), 0);
        Product product = new Product(++lastId, draft.sku(), draft.name(), draft.priceCents(),
                draft.stock());
        byId.put(product.id(), product);
        idBySku.put(product.sku(), product.id());
        return product;
    }

    synchronized Optional<Product> find(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Products in id order, from {@code offset}, at most {@code limit}. */
    synchronized List<Product> page(int offset, int limit) {
        return byId.values().stream().skip(offset).limit(limit).toList();
    }

    synchronized int size() {
        return byId.size();
    }

    /** Replaces the product with {@code product.id()}; 404 when absent, 409 on a taken sku. */
    synchronized Product replace(Product product) {
        Product old = byId.get(product.id());
        if (old == null) throw Problem.notFound("no product " + product.id());
        requireFreeSku(product.sku(), product.id());
        idBySku.remove(old.sku());
        idBySku.put(product.sku(), product.id());
        byId.put(product.id(), product);
        return product;
    }

    synchronized boolean delete(long id) {
        Product old = byId.remove(id);
        if (old != null) idBySku.remove(old.sku());
        return old != null;
    }

    private void requireFreeSku(String sku, long owner) {
        Long holder = idBySku.get(sku);
        if (holder != null && holder != owner) {
            throw Problem.conflict("the sku " + sku + " belongs to product " + holder);
        }
    }

    private void requireRoom() {
        if (byId.size() >= CAPACITY) {
            throw Problem.of(507, "insufficient-storage", "Insufficient Storage",
                    "this replica holds its maximum of " + CAPACITY + " products; delete some first");
        }
    }
}
