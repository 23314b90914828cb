package catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis side of the catalog: cached answers with a TTL, view counters, and invalidation.
 * Every call is bounded by short timeouts; when Redis fails, the call throws {@link Down} and
 * the caller answers from PostgreSQL instead (a bypass), never with an error of its own.
 */
final class Cache implements AutoCloseable {
    /** Redis is down or did not answer in time: bypass the cache. */
    static final class Down extends Exception {
        Down(String why, Throwable cause) {
            super(why, cause, false, false);
        }
    }

    /** A cached value and its remaining time to live. */
    record Entry(String value, long ttlSeconds) {}

    /** What is stored for an id that does not exist, so repeated misses skip PostgreSQL. */
    static final String NOT_FOUND = "not-found";
    /** The set of every cached list page, so a write can delete them all. */
    static final String LIST_KEYS = "products:lists";

    private final JedisPool pool;
    private final Dependency health;
    // Deletions that failed while Redis was down: done before the cache is trusted again,
    // or Redis would come back with answers older than the writes made in the meantime.
    private final Set<String> pendingDeletes = ConcurrentHashMap.newKeySet();

    Cache(Settings settings) {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(settings.redisPoolSize());
        config.setMaxIdle(settings.redisPoolSize());
        // commons-pool2 waits forever for a free connection by default; a cache must not.
        config.setMaxWait(settings.redisTimeout());
        config.setJmxEnabled(false); // no MBean per pool: nothing here reads JMX
        int timeout = (int) settings.redisTimeout().toMillis();
        pool = new JedisPool(config, new HostAndPort(settings.redisHost(), settings.redisPort()),
                DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(timeout)
                        .socketTimeoutMillis(timeout)
                        .clientName("catalog")
                        .build());
        health = new Dependency("redis", this::probe);
    }

    static String productKey(long id) {
        return "product:" + id;
    }

    static String listKey(int limit, int offset) {
        return "products:list:limit=" + limit + ":offset=" + offset;
    }

    static String viewsKey(long id) {
        return "views:product:" + id;
    }

    Dependency health() {
        return health;
    }

    /** The entry under {@code key}, or {@code null} on a miss: GET and TTL in one round trip. */
    Entry get(String key) throws Down {
        return call(jedis -> {
            Pipeline pipeline = jedis.pipelined();
            Response<String> value = pipeline.get(key);
            Response<Long> ttl = pipeline.ttl(key);
            pipeline.sync();
            return value.get() == null ? null : new Entry(value.get(), ttl.get());
        });
    }

    /** Stores {@code value} for about {@code ttlSeconds} and returns the TTL actually used. */
    long put(String key, String value, int ttlSeconds) throws Down {
        long ttl = jittered(ttlSeconds);
        call(jedis -> {
            Pipeline pipeline = jedis.pipelined();
            pipeline.setex(key, ttl, value);
            if (key.startsWith("products:list:")) {
                pipeline.sadd(LIST_KEYS, key);
                pipeline.expire(LIST_KEYS, ttl); // lives as long as its newest page
            }
            pipeline.sync();
            return null;
        });
        return ttl;
    }

    /** Counts one more view of product {@code id} and returns the count. */
    long countView(long id) throws Down {
        return call(jedis -> jedis.incr(viewsKey(id)));
    }

    /**
     * Deletes the cached product {@code id} and every cached list page, which may show it.
     * If Redis is down, the deletion waits and runs before the cache is used again.
     * Returns the keys deleted, or {@code null} when the deletion had to wait.
     */
    List<String> invalidate(long id) {
        List<String> keys = List.of(productKey(id), LIST_KEYS);
        try {
            return call(jedis -> delete(jedis, keys));
        } catch (Down e) {
            pendingDeletes.addAll(keys);
            return null;
        }
    }

    @Override
    public void close() {
        health.stop();
        pool.close();
    }

    /**
     * Adds ±10% to a TTL. Entries stored together (after a restart, or by one busy page) would
     * otherwise expire together and send all their misses to PostgreSQL in the same second;
     * ±10% spreads them over a fifth of the TTL while keeping the average where it was set.
     */
    static long jittered(int ttlSeconds) {
        int spread = ttlSeconds / 10;
        if (spread == 0) return ttlSeconds;
        return ttlSeconds + ThreadLocalRandom.current().nextInt(-spread, spread + 1);
    }

    /** Deletes {@code keys}; {@link #LIST_KEYS} stands for itself and every page it names. */
    private static List<String> delete(Jedis jedis, List<String> keys) {
        List<String> all = new ArrayList<>(keys);
        if (keys.contains(LIST_KEYS)) all.addAll(jedis.smembers(LIST_KEYS));
        if (!all.isEmpty()) jedis.del(all.toArray(String[]::new));
        return all;
    }

    private void deletePending(Jedis jedis) {
        // Taken out one by one, so a key added meanwhile by a new write stays for next time.
        List<String> keys = new ArrayList<>();
        for (String key : pendingDeletes) if (pendingDeletes.remove(key)) keys.add(key);
        try {
            delete(jedis, keys);
        } catch (JedisException e) {
            pendingDeletes.addAll(keys);
            throw e;
        }
    }

    private void probe() {
        // Not through call(): that refuses to talk to a Redis believed down.
        try (Jedis jedis = pool.getResource()) {
            jedis.ping();
            deletePending(jedis);
        } catch (JedisException e) {
            pool.clear();
            throw e;
        }
    }

    private <T> T call(Function<Jedis, T> command) throws Down {
        if (!health.isUp()) throw new Down("redis is down: " + health.lastError(), null);
        try (Jedis jedis = pool.getResource()) {
            return command.apply(jedis);
        } catch (JedisException e) {
            // All connections busy for the whole wait is load, not an outage: bypass this once.
            if (e.getCause() instanceof NoSuchElementException) throw new Down(e.getMessage(), e);
            health.failed(e);
            // The idle connections were opened to the same Redis: drop them all, or each
            // would fail once more (one per probe) before the cache could be used again.
            pool.clear();
            throw new Down("redis failed: " + health.lastError(), e);
        }
    }
}
