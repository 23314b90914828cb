package data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Invalidations that failed while Redis was down, done before the cache is trusted again:
 * otherwise Redis would come back with answers older than the writes made in the meantime.
 */
final class Invalidations {
    private final CacheKeys keys;
    private final Set<String> deletes = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean newGeneration = new AtomicBoolean();

    Invalidations(CacheKeys keys) {
        this.keys = keys;
    }

    /** Row {@code id} (0: none) and every list page must go once Redis answers again. */
    void add(long id) {
        if (id > 0) deletes.add(keys.item(id));
        newGeneration.set(true);
    }

    /** Does what waited; what fails stays for the next try. */
    void apply(Jedis jedis) {
        // Taken out one by one, so a key added meanwhile by a new write stays for next time.
        List<String> taken = new ArrayList<>();
        for (String key : deletes) if (deletes.remove(key)) taken.add(key);
        boolean generation = newGeneration.getAndSet(false);
        try {
            if (!taken.isEmpty()) jedis.del(taken.toArray(String[]::new));
            if (generation) jedis.incr(keys.generation());
        } catch (JedisException e) {
            deletes.addAll(taken);
            if (generation) newGeneration.set(true);
            throw e;
        }
    }
}
