package kit;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

/**
 * Why a call to another service got no answer, in the words every caller here uses (the
 * gateway's Forwarder, service B's client). Each caller decides what it answers for each: the
 * failure itself is the same wherever it happens.
 */
public enum CallFailure {
    /** The name resolves to no address: no replica runs. */
    NO_REPLICA("no-replica", "no replica is reachable"),
    /** No process listens at the replica's address (yet). */
    REFUSED("refused", "refused the connection"),
    /** No connection within the connect timeout: the address is gone or drops packets. */
    CONNECT_TIMEOUT("connect-timeout", "accepted no connection in time"),
    /** Connected, but no answer within the request's timeout. */
    TIMEOUT("timeout", "did not answer in time"),
    /** The connection broke or closed without a whole answer, or the answer was unusable. */
    BROKEN("broken", "closed the connection without an answer");

    private final String slug;
    private final String phrase;

    CallFailure(String slug, String phrase) {
        this.slug = slug;
        this.phrase = phrase;
    }

    /** A short name, for metric labels and problem types: "connect-timeout". */
    public String slug() {
        return slug;
    }

    /** What the upstream did, to follow its name: "users-service refused the connection". */
    public String phrase() {
        return phrase;
    }

    /** Whether no connection was made, so the request surely did not arrive. */
    public boolean beforeConnecting() {
        return this == NO_REPLICA || this == REFUSED || this == CONNECT_TIMEOUT;
    }

    /** The failure that {@code e}, thrown by HttpClient for a call, stands for. */
    public static CallFailure of(Throwable e) {
        // A connect timeout is also an HttpTimeoutException: look for it first.
        if (causedBy(e, HttpConnectTimeoutException.class)) return CONNECT_TIMEOUT;
        if (causedBy(e, HttpTimeoutException.class)) return TIMEOUT;
        if (causedBy(e, ConnectException.class) || causedBy(e, NoRouteToHostException.class)) {
            return REFUSED;
        }
        return BROKEN;
    }

    /** Whether {@code e} or one of its causes is a {@code type}. */
    public static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }
}
