package catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
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
    /**
     * The generation of the cached list pages, part of every page's key in Redis. A write moves
     * it on, and every page cached before is out of reach at once, left to expire: nothing to
     * enumerate, nothing an eviction or a TTL can make the catalog forget. It has no TTL, so
     * Redis (maxmemory-policy volatile-lru) never evicts it.
     */
    static final String LIST_GENERATION = "products:lists:generation";
    private static final String LIST_PREFIX = "products:list:";

    private final JedisPool pool;
    private final Dependency health;
    // Deletions that failed while Redis was down: done before the cache is trusted again,
    // or Redis would come back with answers older than the writes made in the meantime.
    private final Set<String> pendingDeletes = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pendingNewGeneration = new AtomicBoolean();

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

    /** A list page's key as a request names it; {@link #resolve} gives its key in Redis. */
    static String listKey(int limit, int offset) {
        return LIST_PREFIX + "limit=" + limit + ":offset=" + offset;
    }

    /**
     * The key a value lives under in Redis: a list page's key gets the current generation
     * ({@code products:list:g7:limit=20:offset=0}), one more round trip; others are as named.
     * A value loaded after this call is stored under the same generation, so a write that moves
     * the generation on meanwhile can never be hidden by what the load brings back.
     */
    String resolve(String key) throws Down {
        if (!key.startsWith(LIST_PREFIX)) return key;
        String generation = call(jedis -> jedis.get(LIST_GENERATION));
        return LIST_PREFIX + "g" + (generation == null ? "0" : generation) + ":"
                + key.substring(LIST_PREFIX.length());
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
        call(jedis -> jedis.setex(key, ttl, value));
        return ttl;
    }

    /** Counts one more view of product {@code id} and returns the count. */
    long countView(long id) throws Down {
        return call(jedis -> jedis.incr(viewsKey(id)));
    }

    /**
     * Deletes the cached product {@code id} (0: none) and puts every cached list page out of
     * reach, as any of them may show it. If Redis is down, this waits and runs before the cache
     * is used again. Returns what was invalidated, or {@code null} when it had to wait.
     */
    List<String> invalidate(long id) {
        try {
            return call(jedis -> {
                List<String> done = new ArrayList<>();
                if (id > 0) {
                    jedis.del(productKey(id));
                    done.add(productKey(id));
                }
                long next = jedis.incr(LIST_GENERATION);
                done.add(LIST_PREFIX + "g" + (next - 1) + ":*");
                return done;
            });
        } catch (Down e) {
            if (id > 0) pendingDeletes.add(productKey(id));
            pendingNewGeneration.set(true);
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

    private void deletePending(Jedis jedis) {
        // Taken out one by one, so a key added meanwhile by a new write stays for next time.
        List<String> keys = new ArrayList<>();
        for (String key : pendingDeletes) if (pendingDeletes.remove(key)) keys.add(key);
        boolean newGeneration = pendingNewGeneration.getAndSet(false);
        try {
            if (!keys.isEmpty()) jedis.del(keys.toArray(String[]::new));
            if (newGeneration) jedis.incr(LIST_GENERATION);
        } catch (JedisException e) {
            pendingDeletes.addAll(keys);
            if (newGeneration) pendingNewGeneration.set(true);
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
            if (e.getCause() instanceof NoSuchElementException) {
                throw new Down("every Redis connection is busy", e);
            }
            health.failed(e);
            // The idle connections were opened to the same Redis: drop them all, or each
            // would fail once more (one per probe) before the cache could be used again.
            pool.clear();
            throw new Down("redis failed: " + health.lastError(), e);
        }
    }
}
