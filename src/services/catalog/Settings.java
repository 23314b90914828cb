package catalog;

import java.time.Duration;
import kit.Config;
import kit.Service;

/**
 * The catalog's configuration, read once from environment variables. Every timeout is short on
 * purpose: when a dependency is down, an answer (even a 503) in under a second is worth more
 * than a long wait that ends in the same error.
 */
record Settings(
        String postgresUrl,
        String postgresUser,
        String postgresPassword,
        int poolSize,
        Duration poolAcquireTimeout,
        Duration queryTimeout,
        String redisHost,
        int redisPort,
        int redisPoolSize,
        Duration redisTimeout,
        int cacheTtlSeconds,
        int notFoundTtlSeconds) {

    static final String DEFAULT_POSTGRES_HOST = "postgres";
    static final int DEFAULT_POSTGRES_PORT = 5432;
    static final String DEFAULT_POSTGRES_DB = "catalog";
    static final String DEFAULT_POSTGRES_USER = "catalog";
    static final int DEFAULT_DB_POOL_SIZE = 8;
    static final int DEFAULT_DB_ACQUIRE_TIMEOUT_MS = 250;
    /**
     * A read or write that takes longer is answered 503. Clients are promised an answer within
     * a second even when PostgreSQL is silent; the rest of the second is for the way there.
     */
    static final int DEFAULT_DB_TIMEOUT_MS = 700;
    static final String DEFAULT_REDIS_HOST = "redis";
    static final int DEFAULT_REDIS_PORT = 6379;
    static final int DEFAULT_REDIS_POOL_SIZE = 16;
    /** Redis answers in well under a millisecond here; 250 ms means it is not answering. */
    static final int DEFAULT_REDIS_TIMEOUT_MS = 250;
    static final int DEFAULT_CACHE_TTL_SECONDS = 60;
    /** Short, so a product created behind the cache's back shows up soon. */
    static final int DEFAULT_NOT_FOUND_TTL_SECONDS = 10;

    /**
     * Whether this is the image build's training run (src/Dockerfile.service), which starts
     * the service without its configuration or dependencies to record its AOT cache.
     */
    static boolean imageBuild() {
        return Service.isTrainingRun();
    }

    static Settings fromEnvironment() {
        String host = Config.string("POSTGRES_HOST", DEFAULT_POSTGRES_HOST);
        int port = Config.integer("POSTGRES_PORT", DEFAULT_POSTGRES_PORT, 1, 65535);
        String db = Config.string("POSTGRES_DB", DEFAULT_POSTGRES_DB);
        return new Settings(
                "jdbc:postgresql://" + host + ":" + port + "/" + db,
                Config.string("POSTGRES_USER", DEFAULT_POSTGRES_USER),
                imageBuild() ? "" : Config.secretFile("POSTGRES_PASSWORD_FILE"),
                Config.integer("DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE, 1, 64),
                millis("DB_ACQUIRE_TIMEOUT_MS", DEFAULT_DB_ACQUIRE_TIMEOUT_MS, 10, 10_000),
                millis("DB_TIMEOUT_MS", DEFAULT_DB_TIMEOUT_MS, 50, 30_000),
                Config.string("REDIS_HOST", DEFAULT_REDIS_HOST),
                Config.integer("REDIS_PORT", DEFAULT_REDIS_PORT, 1, 65535),
                Config.integer("REDIS_POOL_SIZE", DEFAULT_REDIS_POOL_SIZE, 1, 256),
                millis("REDIS_TIMEOUT_MS", DEFAULT_REDIS_TIMEOUT_MS, 10, 10_000),
                Config.integer("CACHE_TTL_SECONDS", DEFAULT_CACHE_TTL_SECONDS, 1, 86_400),
                Config.integer("NOT_FOUND_TTL_SECONDS", DEFAULT_NOT_FOUND_TTL_SECONDS, 1, 3_600));
    }

    private static Duration millis(String name, int defaultValue, int min, int max) {
        return Duration.ofMillis(Config.integer(name, defaultValue, min, max));
    }
}
