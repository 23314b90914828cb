package data;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import kit.Problem;

/**
 * Collapses concurrent loads of one key into one: the first caller (the leader) does the work,
 * and callers that arrive while it runs wait for its result instead of repeating it. When a
 * popular entry expires, PostgreSQL then sees one query, not one per waiting request.
 */
final class SingleFlight<T> {
    /** The work a leader does for a key. */
    @FunctionalInterface
    interface Work<T> {
        T run();
    }

    /**
     * A result, whether it was shared from another caller's load ("collapsed"), and how long
     * this caller waited for that load (0 for the leader).
     */
    record Result<T>(T value, boolean collapsed, long waitedNanos) {}

    private final ConcurrentHashMap<String, CompletableFuture<T>> inFlight =
            new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Duration maxWait;

    /** {@code maxWait}: how long a follower waits for the leader before giving up (503). */
    SingleFlight(Duration maxWait) {
        this.maxWait = maxWait;
    }

    /** Callers waiting for another's load now. */
    int waiting() {
        return waiting.get();
    }

    Result<T> run(String key, Work<T> work) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            long start = System.nanoTime();
            T value = follow(leader);
            return new Result<>(value, true, System.nanoTime() - start);
        }
        try {
            T value = work.run();
            mine.complete(value);
            return new Result<>(value, false, 0);
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private T follow(CompletableFuture<T> leader) {
        waiting.incrementAndGet();
        try {
            return leader.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // The leader's Problem (a 503, say) is this caller's answer too.
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw Problem.unavailable("the load of this item by another request did not finish"
                    + " within " + maxWait.toMillis() + " ms").header("Retry-After", "1");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted while waiting for the database");
        } finally {
            waiting.decrementAndGet();
        }
    }
}
