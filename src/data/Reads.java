package data;

import com.eclipsesource.json.JsonValue;
import kit.Request;

/**
 * How a resource's reads reach its table: straight to PostgreSQL ({@link #direct()}), or
 * through a Redis cache ({@link #cached}). Writes always go to PostgreSQL; then
 * {@link #changed} drops whatever cached copy they made stale.
 */
public interface Reads {
    /** Row {@code id} as {@code loader} reads it from PostgreSQL, or {@code null}. */
    JsonValue row(Request request, long id, CacheAside.Loader loader);

    /** A page of rows as {@code loader} reads it from PostgreSQL. */
    JsonValue page(Request request, int limit, int offset, CacheAside.Loader loader);

    /** Row {@code id} changed (0: a new row whose id is not known): stale copies go. */
    void changed(long id);

    /** Every read asks PostgreSQL. */
    static Reads direct() {
        return new Reads() {
            @Override
            public JsonValue row(Request request, long id, CacheAside.Loader loader) {
                return loader.load();
            }

            @Override
            public JsonValue page(Request request, int limit, int offset,
                    CacheAside.Loader loader) {
                return loader.load();
            }

            @Override
            public void changed(long id) {
                // nothing is kept anywhere else
            }
        };
    }

    /**
     * Every read asks Redis first ({@code reads}, over {@code cache}), and says how it went
     * in {@code X-Cache} and {@code Cache-Status}; a request with
     * {@code Cache-Control: no-cache} reads PostgreSQL.
     */
    static Reads cached(Cache cache, CacheAside reads) {
        return new Reads() {
            @Override
            public JsonValue row(Request request, long id, CacheAside.Loader loader) {
                return answer(request, cache.keys().item(id), loader);
            }

            @Override
            public JsonValue page(Request request, int limit, int offset,
                    CacheAside.Loader loader) {
                return answer(request, cache.keys().listPage(limit, offset), loader);
            }

            @Override
            public void changed(long id) {
                cache.invalidate(id);
            }

            private JsonValue answer(Request request, String key, CacheAside.Loader loader) {
                Lookup lookup = reads.read(request, key, loader);
                lookup.headers(request);
                return lookup.data();
            }
        };
    }
}
