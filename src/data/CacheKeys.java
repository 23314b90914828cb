package data;

/**
 * The names in Redis of one cached table's entries, for rows called {@code product}:
 * {@code product:7} (a row), {@code products:list:g3:limit=20:offset=0} (a list page of
 * generation 3), {@code products:lists:generation} and {@code views:product:7}.
 */
public final class CacheKeys {
    private final String entity;
    private final String listPrefix;
    private final String generation;

    CacheKeys(String entity) {
        this.entity = entity;
        this.listPrefix = entity + "s:list:";
        this.generation = entity + "s:lists:generation";
    }

    /** The key of row {@code id}. */
    public String item(long id) {
        return entity + ":" + id;
    }

    /** The pattern of every row's key, for SCAN. */
    String allItems() {
        return entity + ":*";
    }

    /** A list page's key as a request names it; {@link Cache#resolve} gives its key in Redis. */
    public String listPage(int limit, int offset) {
        return listPrefix + "limit=" + limit + ":offset=" + offset;
    }

    /**
     * The generation of the cached list pages, part of every page's key in Redis. A write moves
     * it on, and every page cached before is out of reach at once, left to expire: nothing to
     * enumerate, nothing an eviction or a TTL can make the service forget. It has no TTL, so
     * Redis (maxmemory-policy volatile-lru) never evicts it.
     */
    String generation() {
        return generation;
    }

    String views(long id) {
        return "views:" + entity + ":" + id;
    }

    boolean isListPage(String key) {
        return key.startsWith(listPrefix);
    }

    /** A list page's key in Redis, in {@code generation} (null: none yet, 0). */
    String inGeneration(String listPage, String generation) {
        return listPrefix + "g" + (generation == null ? "0" : generation) + ":"
                + listPage.substring(listPrefix.length());
    }

    /** The pattern of every list page of {@code generation}, to say what a write invalidated. */
    String pagesOf(long generation) {
        return listPrefix + "g" + generation + ":*";
    }
}
