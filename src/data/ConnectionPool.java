package data;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small, bounded pool of JDBC connections: a semaphore holds the number of connections in use
 * to the pool size, and a deque keeps the idle ones. A caller that cannot get a connection
 * within the acquire timeout gets an error instead of a queue without end, and a connection
 * that failed is closed, never handed out again.
 */
final class ConnectionPool implements AutoCloseable {
    /** Every connection stayed in use for the whole acquire timeout: load, not an outage. */
    static final class Busy extends SQLTransientConnectionException {
        Busy(String message) {
            super(message);
        }
    }

    /** A connection idle longer than this is checked before use: the server may have gone. */
    private static final long CHECK_IDLE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Idle(Connection connection, long since) {}

    private final String url;
    private final Properties properties = new Properties();
    private final int size;
    private final Duration acquireTimeout;
    private final int networkTimeoutMillis;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();
    // JDBC's setNetworkTimeout asks for an executor to abort connections on (pgjdbc needs none).
    private static final Executor ABORT = command -> Thread.ofVirtual().start(command);

    ConnectionPool(Postgres settings) {
        this.url = settings.url();
        this.size = settings.poolSize();
        this.acquireTimeout = settings.acquireTimeout();
        this.networkTimeoutMillis = (int) settings.queryTimeout().toMillis();
        this.permits = new Semaphore(size, true);
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("ApplicationName", settings.name());
        // Driver timeouts, in whole seconds (its unit): a stopped or paused server is noticed
        // within a second by the connect or a read. The whole login may take longer: its
        // SCRAM password check is costly for a JVM that has just started on a busy machine.
        // setNetworkTimeout in open() narrows the reads of an open connection to milliseconds.
        properties.setProperty("connectTimeout", "1");
        properties.setProperty("socketTimeout", "1");
        properties.setProperty("loginTimeout", "3");
        properties.setProperty("tcpKeepAlive", "true");
    }

    /** Runs {@code work} on a pooled connection; a connection that broke is thrown away. */
    <T> T use(Database.Work<T> work) throws SQLException {
        Connection connection = acquire();
        boolean broken = false;
        try {
            return work.run(connection);
        } catch (SQLException e) {
            broken = isConnectionFailure(e) || connection.isClosed();
            throw e;
        } catch (RuntimeException | Error e) {
            broken = connection.isClosed();
            throw e;
        } finally {
            release(connection, broken);
        }
    }

    /** Connections idle in the pool now. */
    int idle() {
        return idle.size();
    }

    /** Connections handed out now. */
    int inUse() {
        return size - permits.availablePermits();
    }

    /** Closes every idle connection: after an outage they all point at a dead server. */
    void evictIdle() {
        for (Idle entry; (entry = idle.pollFirst()) != null; ) closeQuietly(entry.connection());
    }

    @Override
    public void close() {
        evictIdle();
    }

    /** Whether {@code e} means the connection (or the server) failed, not the statement. */
    static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state == null
                || state.startsWith("08") // connection exception
                || state.equals("57P01") // admin shutdown: the server is stopping
                || state.equals("57P02") // crash shutdown
                || state.equals("57P03"); // cannot connect now: the server is starting
    }

    /**
     * Whether {@code e} means PostgreSQL cannot serve this service now, whatever the statement:
     * a connection failure, or a refusal to open one (login refused or not allowed, too many
     * connections, out of resources, no such database). A 503, not a bug in a statement.
     */
    static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        return isConnectionFailure(e)
                || state.startsWith("28") // invalid authorization: password, pg_hba.conf
                || state.startsWith("53") // insufficient resources: too many connections, ...
                || state.equals("3D000"); // the database does not exist
    }

    private Connection acquire() throws SQLException {
        try {
            long start = System.nanoTime();
            // A request that waited through a stall of this process, not behind the others,
            // gets a little more: right after a docker pause they all arrive at once.
            if (!permits.tryAcquire(acquireTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    && !(Stall.met(start, acquireTimeout.toNanos())
                            && permits.tryAcquire(Stall.GRACE_MILLIS, TimeUnit.MILLISECONDS))) {
                throw new Busy("all " + size + " connections busy for "
                        + acquireTimeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting for a connection");
        }
        try {
            for (Idle entry; (entry = idle.pollFirst()) != null; ) {
                boolean fresh = System.nanoTime() - entry.since() < CHECK_IDLE_AFTER_NANOS;
                if (fresh || entry.connection().isValid(1)) return entry.connection();
                closeQuietly(entry.connection());
            }
            return open();
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Connection open() throws SQLException {
        Connection connection = DriverManager.getConnection(url, properties);
        connection.setNetworkTimeout(ABORT, networkTimeoutMillis);
        return connection;
    }

    private void release(Connection connection, boolean broken) {
        if (broken) {
            closeQuietly(connection);
            evictIdle();
        } else {
            idle.offerFirst(new Idle(connection, System.nanoTime()));
        }
        permits.release();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // it is being thrown away because it failed: a second failure adds nothing
        }
    }
}
