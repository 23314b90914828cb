package data;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Why a dependency failed: in words for a client's 503, and in full for the log. */
final class Failure {
    private static final int DEPTH = 20;

    private Failure() {}

    /** What went wrong, in words fit for a client: the kind of failure, not its text. */
    static String reason(Throwable e) {
        // At most DEPTH causes: a chain that loops back must not hold the probe thread.
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < DEPTH; t = t.getCause()) {
            if (t instanceof ConnectException) return "connection refused";
            if (t instanceof UnknownHostException) return "its name does not resolve";
            if (t instanceof SocketTimeoutException) return "no answer in time";
            if (t instanceof NoRouteToHostException) return "unreachable";
            if (t instanceof SocketException || t instanceof EOFException) {
                return "connection lost";
            }
        }
        // No network failure underneath: what PostgreSQL said, if it said something known, or
        // Jedis's word for a connection that failed (a closed one has no cause of its own).
        depth = 0;
        for (Throwable t = e; t != null && depth++ < DEPTH; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String why = sqlReason(sql.getSQLState());
                if (why != null) return why;
            }
            if (t instanceof JedisConnectionException) return "connection lost";
        }
        return "failed (" + e.getClass().getSimpleName() + ")";
    }

    /** PostgreSQL's SQLSTATE classes a probe meets, in words; null for the rest. */
    private static String sqlReason(String state) {
        if (state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
            return "shutting down or starting up";
        }
        if (state.equals("28P01")) return "its password was refused";
        if (state.startsWith("28")) return "its login was not allowed";
        if (state.equals("53300")) return "too many connections";
        if (state.startsWith("53")) return "out of resources";
        if (state.equals("3D000")) return "the database does not exist";
        if (state.startsWith("08")) return "the connection failed (" + state + ")";
        return null;
    }

    /** The root cause and its message, for the log (at most 200 characters). */
    static String describe(Throwable e) {
        Throwable root = e;
        for (int depth = 0; root.getCause() != null && depth < DEPTH; depth++) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        String text = root.getClass().getSimpleName() + message;
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
