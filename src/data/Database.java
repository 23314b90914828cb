package data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import kit.Metrics;
import kit.Problem;

/**
 * PostgreSQL as the handlers see it: one statement per {@link #run}, answered within the
 * deadline or turned into a 503 problem. While PostgreSQL is known to be down, calls fail at
 * once instead of each waiting for a timeout; {@link Dependency} notices when it is back.
 * Before its first probe they are tried: a service just started does the work it can.
 */
public final class Database implements AutoCloseable {
    /** Work done with one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final ConnectionPool pool;
    private final Dependency health;
    private final Duration deadline;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Metrics.Counter queries;
    // Where a statement is: still running, ended, or running after its caller got a 503.
    private static final String RUNNING = "running";
    private static final String ENDED = "ended";
    private static final String LATE = "late";
    /** Metrics are named after the service: {@code catalog_db_queries_total}. */
    public Database(Postgres settings, Metrics metrics) {
        pool = new ConnectionPool(settings);
        deadline = settings.queryTimeout();
        health = new Dependency("postgres", this::probe);
        String prefix = settings.name() + "_db_";
        queries = metrics.counter(prefix + "queries_total",
                "Statements sent to PostgreSQL for requests (health probes not counted).");
        metrics.gauge(prefix + "pool_in_use", "Pooled connections in use.", pool::inUse);
        metrics.gauge(prefix + "pool_idle", "Pooled connections idle.", pool::idle);
    }

    public Dependency health() {
        return health;
    }

    /**
     * Runs {@code work} on a pooled connection within the deadline. PostgreSQL down, slow or
     * out of connections is a 503 problem; a {@link Problem} thrown by the work passes through.
     */
    public <T> T run(Work<T> work) {
        return run(work, null);
    }

    /**
     * {@link #run(Work)}, for a write: when the caller is answered 503 because
     * the deadline passed, the statement goes on and may still commit, so {@code ifLate} runs
     * once it has ended, whatever its outcome (to delete cached copies it may have made stale).
     */
    public <T> T run(Work<T> work, Runnable ifLate) {
        if (health.isDown()) throw unavailable(health.lastError());
        queries.inc();
        AtomicReference<String> phase = new AtomicReference<>(RUNNING);
        Future<T> future = executor.submit(() -> {
            try {
                return use(work);
            } finally {
                if (!phase.compareAndSet(RUNNING, ENDED) && ifLate != null) ifLate.run();
            }
        });
        try {
            return await(future);
        } catch (TimeoutException e) {
            // Ended just now after all: its result is the answer.
            if (!phase.compareAndSet(RUNNING, LATE)) return result(future);
            // The work goes on: a connection still opening lands in the pool for the next
            // request, and a stuck one ends at the driver's network timeout and is dropped.
            // (So a write that times out may still commit: the 503 says "unknown", not "no".)
            throw unavailable("no answer within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
    }

    /**
     * Waits for {@code future} within the deadline, not counting a stall of this process
     * ({@link Stall}): a statement sent just before a {@code docker pause} would otherwise time
     * out right after the thaw, although PostgreSQL answered at once. (PostgreSQL's
     * statement_timeout or the driver's socket timeout would not do: this wait also covers
     * taking a connection and opening one, and it is this wait that misfires.)
     */
    private <T> T await(Future<T> future)
            throws InterruptedException, ExecutionException, TimeoutException {
        long start = System.nanoTime();
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (!Stall.met(start, deadline.toNanos())) throw e;
            return future.get(Stall.GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private <T> T result(Future<T> ended) {
        try {
            return ended.get();
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
    }

    /** Runs on its own thread, so an outage is reported even after the caller gave up. */
    private <T> T use(Work<T> work) throws SQLException {
        try {
            return pool.use(work);
        } catch (ConnectionPool.Busy busy) {
            throw busy;
        } catch (SQLException e) {
            if (ConnectionPool.isUnavailable(e)) health.failed(e);
            throw e;
        }
    }

    @Override
    public void close() {
        health.stop();
        executor.shutdownNow();
        pool.close();
    }

    private RuntimeException translate(Throwable cause) {
        if (cause instanceof ConnectionPool.Busy busy) return unavailable(busy.getMessage());
        if (cause instanceof SQLException sql && ConnectionPool.isUnavailable(sql)) {
            return unavailable(health.lastError());
        }
        if (cause instanceof RuntimeException runtime) return runtime; // a Problem, or a bug
        // Any other SQL error is a bug in a statement: the kit answers 500 and logs it.
        return new IllegalStateException("SQL failed: " + cause, cause);
    }

    private static Problem unavailable(String why) {
        return Problem.unavailable("PostgreSQL is unavailable (" + why
                + "); it is retried in the background")
                .header("Retry-After", "1");
    }

    private void probe() throws SQLException {
        try {
            // A real statement, not isValid(): its failure says why (refused, reset, timeout).
            pool.use(connection -> {
                try (PreparedStatement statement = connection.prepareStatement("SELECT 1")) {
                    return statement.execute();
                }
            });
        } catch (ConnectionPool.Busy busy) {
            // Every connection is in use, so PostgreSQL is answering; if those are stuck
            // instead, their requests time out and report it.
        }
    }
}
