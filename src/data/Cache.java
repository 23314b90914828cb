package data;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
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
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis side of a cached table: cached answers with a TTL, view counters, and
 * invalidation. Every call is bounded by short timeouts; when Redis fails, the call throws
 * {@link Down} and the caller answers from PostgreSQL instead (a bypass), never with an error
 * of its own.
 *
 * <p>Whenever this process starts to use Redis (at start, and after every outage) it first
 * forgets every cached row and list page: a write made while Redis could not be reached, by
 * this replica or by another (which may have died since), may have made any of them stale,
 * and nobody is left who knows which. The cost is a cold cache after each outage.
 */
public final class Cache implements AutoCloseable {
    /** Redis is down or did not answer in time: bypass the cache. */
    public static final class Down extends Exception {
        Down(String why, Throwable cause) {
            super(why, cause, false, false);
        }
    }

    /** A cached value and its remaining time to live. */
    record Entry(String value, long ttlSeconds) {}

    /** What is stored for an id that does not exist, so repeated misses skip PostgreSQL. */
    static final String NOT_FOUND = "not-found";

    /** How many keys one SCAN step returns at most while the cache is emptied. */
    private static final int SCAN_COUNT = 500;

    private final JedisPool pool;
    private final Dependency health;
    private final CacheKeys keys;

    /**
     * The cache of the rows called {@code entity} ("product"): keys {@code product:7}, list
     * pages {@code products:list:...}, view counters {@code views:product:7}.
     */
    public Cache(Redis settings, String entity) {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(settings.poolSize());
        config.setMaxIdle(settings.poolSize());
        // commons-pool2 waits forever for a free connection by default; a cache must not.
        config.setMaxWait(settings.timeout());
        config.setJmxEnabled(false); // no MBean per pool: nothing here reads JMX
        int timeout = (int) settings.timeout().toMillis();
        DefaultJedisClientConfig client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientName(settings.name())
                .build();
        pool = new JedisPool(config,
                new RedisSockets(new HostAndPort(settings.host(), settings.port()), client),
                client);
        keys = new CacheKeys(entity);
        health = new Dependency("redis", this::probe);
    }

    public CacheKeys keys() {
        return keys;
    }

    public Dependency health() {
        return health;
    }

    /**
     * The key a value lives under in Redis: a list page's key gets the current generation
     * ({@code products:list:g7:limit=20:offset=0}), one more round trip; others are as named.
     * A value loaded after this call is stored under the same generation, so a write that moves
     * the generation on meanwhile can never be hidden by what the load brings back.
     */
    String resolve(String key) throws Down {
        if (!keys.isListPage(key)) return key;
        return keys.inGeneration(key, call(jedis -> jedis.get(keys.generation())));
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

    /** Counts one more view of row {@code id} and returns the count. */
    public long countView(long id) throws Down {
        return call(jedis -> jedis.incr(keys.views(id)));
    }

    /**
     * Deletes the cached row {@code id} (0: none) and puts every cached list page out of reach,
     * as any of them may show it. Returns what was invalidated, or {@code null} when Redis is
     * down: then everything is forgotten before Redis is used again.
     */
    public List<String> invalidate(long id) {
        try {
            return call(jedis -> {
                List<String> done = new ArrayList<>();
                if (id > 0) {
                    jedis.del(keys.item(id));
                    done.add(keys.item(id));
                }
                long next = jedis.incr(keys.generation());
                done.add(keys.pagesOf(next - 1));
                return done;
            });
        } catch (Down e) {
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

    private void probe() {
        // Not through call(): that refuses to talk to a Redis believed down.
        try (Jedis jedis = pool.getResource()) {
            jedis.ping();
            if (!health.isUp()) forgetAll(jedis);
        } catch (JedisException e) {
            pool.clear();
            throw e;
        }
    }

    /** Deletes every cached row and puts every list page out of reach (view counts stay). */
    private void forgetAll(Jedis jedis) {
        ScanParams rows = new ScanParams().match(keys.allItems()).count(SCAN_COUNT);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> step = jedis.scan(cursor, rows);
            if (!step.getResult().isEmpty()) jedis.del(step.getResult().toArray(String[]::new));
            cursor = step.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        jedis.incr(keys.generation());
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
