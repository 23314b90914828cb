package data;

import java.time.Duration;
import kit.Config;

/**
 * Where a service's Redis cache is, how long it may take, and how long answers stay in it,
 * read once from environment variables.
 *
 * @param name the name of the service's data: its Redis client name ({@code CLIENT LIST}),
 *     the cache's name in Cache-Status, and the first word of its metrics
 */
public record Redis(
        String host,
        int port,
        String name,
        int poolSize,
        Duration timeout,
        int ttlSeconds,
        int notFoundTtlSeconds) {

    public static final String DEFAULT_HOST = "redis";
    public static final int DEFAULT_PORT = 6379;
    public static final int DEFAULT_POOL_SIZE = 16;
    /** Redis answers in well under a millisecond here; 250 ms means it is not answering. */
    public static final int DEFAULT_TIMEOUT_MS = 250;
    public static final int DEFAULT_TTL_SECONDS = 60;
    /** Short, so a row created behind the cache's back shows up soon. */
    public static final int DEFAULT_NOT_FOUND_TTL_SECONDS = 10;

    /**
     * The settings of service {@code name}: REDIS_HOST, REDIS_PORT, REDIS_POOL_SIZE,
     * REDIS_TIMEOUT_MS, CACHE_TTL_SECONDS and NOT_FOUND_TTL_SECONDS.
     */
    public static Redis fromEnvironment(String name) {
        return new Redis(
                Config.string("REDIS_HOST", DEFAULT_HOST),
                Config.integer("REDIS_PORT", DEFAULT_PORT, 1, 65535),
                name,
                Config.integer("REDIS_POOL_SIZE", DEFAULT_POOL_SIZE, 1, 256),
                Config.millis("REDIS_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 10, 10_000),
                Config.integer("CACHE_TTL_SECONDS", DEFAULT_TTL_SECONDS, 1, 86_400),
                Config.integer("NOT_FOUND_TTL_SECONDS", DEFAULT_NOT_FOUND_TTL_SECONDS, 1, 3_600));
    }
}
