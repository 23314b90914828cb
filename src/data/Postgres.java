package data;

import java.time.Duration;
import kit.Config;
import kit.Service;

/**
 * Where a service's PostgreSQL database is and how long it may take, read once from
 * environment variables. Every timeout is short on purpose: when the database is down, an
 * answer (even a 503) in under a second is worth more than a long wait that ends in the same
 * error.
 *
 * @param name the name of the service's data: its database and role by default, what
 *     PostgreSQL shows for its connections ({@code pg_stat_activity}), the first word of its
 *     metrics
 */
public record Postgres(
        String url,
        String user,
        String password,
        String name,
        int poolSize,
        Duration acquireTimeout,
        Duration queryTimeout) {

    public static final String DEFAULT_HOST = "postgres";
    public static final int DEFAULT_PORT = 5432;
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final int DEFAULT_ACQUIRE_TIMEOUT_MS = 250;
    /**
     * A read or write that takes longer is answered 503. Clients are promised an answer within
     * a second even when PostgreSQL is silent; the rest of the second is for the way there.
     */
    public static final int DEFAULT_TIMEOUT_MS = 700;

    /**
     * The settings of service {@code name}: POSTGRES_HOST, POSTGRES_PORT, POSTGRES_DB and
     * POSTGRES_USER (both default to {@code name}), POSTGRES_PASSWORD_FILE, DB_POOL_SIZE,
     * DB_ACQUIRE_TIMEOUT_MS and DB_TIMEOUT_MS. The image build's training run has no database:
     * it reads no password.
     */
    public static Postgres fromEnvironment(String name) {
        String host = Config.string("POSTGRES_HOST", DEFAULT_HOST);
        int port = Config.integer("POSTGRES_PORT", DEFAULT_PORT, 1, 65535);
        String db = Config.string("POSTGRES_DB", name);
        return new Postgres(
                "jdbc:postgresql://" + host + ":" + port + "/" + db,
                Config.string("POSTGRES_USER", name),
                Service.isTrainingRun() ? "" : Config.secretFile("POSTGRES_PASSWORD_FILE"),
                name,
                Config.integer("DB_POOL_SIZE", DEFAULT_POOL_SIZE, 1, 64),
                Config.millis("DB_ACQUIRE_TIMEOUT_MS", DEFAULT_ACQUIRE_TIMEOUT_MS, 10, 10_000),
                Config.millis("DB_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 50, 30_000));
    }
}
