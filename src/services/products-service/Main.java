package productsservice;

import data.Cache;
import data.CacheAside;
import data.Database;
import data.Dependency;
import data.Postgres;
import data.Reads;
import data.Redis;
import data.Resource;
import kit.Service;

/**
 * Challenge 5's products service: {@code GET} and {@code POST /products}, {@code GET},
 * {@code PUT}, {@code PATCH} and {@code DELETE /products/{id}}, kept in its own PostgreSQL
 * database (products, reached as role products) and read through its Redis cache, as
 * challenge 3's catalog reads (cache-aside, single flight, invalidation on writes, PostgreSQL
 * alone when Redis is down). Every replica shares the database and the cache, so a write
 * through one is what every other answers at once. Plus the {@code /debug} routes that let
 * the gateway's tests see what arrived.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Service.run("products-service", service -> {
            Postgres postgres = Postgres.fromEnvironment("products");
            Redis redis = Redis.fromEnvironment("products");
            Database database = new Database(postgres, service.metrics());
            Cache cache = new Cache(redis, "product");
            Dependency.watch(service, "products", database.health(), cache.health());
            service.onStop(cache::close).onStop(database::close);
            Reads reads = Reads.cached(cache,
                    new CacheAside(cache, redis, postgres.queryTimeout(), service.metrics()));
            Resource products = new Resource(service, "/products", new ProductSchema(),
                    database, reads).register();
            Debug debug = new Debug();
            service.routes().get("/debug/bytes/{n}", products.served(debug::bytes));
            for (String method : Debug.ECHO_METHODS) {
                service.routes()
                        .add(method, "/debug/echo", products.served(debug::echo))
                        .add(method, "/debug/echo/{rest}", products.served(debug::echo));
            }
        });
    }
}
