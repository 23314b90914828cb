package usersservice;

import data.Database;
import data.Dependency;
import data.Postgres;
import data.Reads;
import data.Resource;
import kit.Service;

/**
 * Challenge 5's users service: {@code GET} and {@code POST /users}, {@code GET}, {@code PUT},
 * {@code PATCH} and {@code DELETE /users/{id}}, kept in its own PostgreSQL database (users,
 * reached as role users) and read from it every time. Every replica reads and writes the same
 * rows, so they all answer alike. What differs from products-service is its schema alone.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Service.run("users-service", service -> {
            Database database = new Database(Postgres.fromEnvironment("users"),
                    service.metrics());
            Dependency.watch(service, "users", database.health());
            service.onStop(database::close);
            new Resource(service, "/users", new UserSchema(), database, Reads.direct())
                    .register();
        });
    }
}
