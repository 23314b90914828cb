package serviceb;

import kit.Problem;

/** A call to service A that got no usable answer: why, and what B answers for it. */
final class CallFailed extends Exception {
    /** The ways a call can fail; each says whether a retry may go to the same replica. */
    enum Kind {
        /** The name resolves to no address: no replica runs. */
        NO_REPLICAS(503, "upstream-unavailable", "Service Unavailable", false),
        /** The replica refused the connection: no process listens (yet). Cheap to retry. */
        REFUSED(503, "upstream-unavailable", "Service Unavailable", true),
        /** No connection within the connect timeout: the address is gone or drops packets. */
        UNREACHABLE(503, "upstream-unavailable", "Service Unavailable", false),
        /** Connected, but no answer within the request timeout. */
        TIMEOUT(504, "upstream-timeout", "Gateway Timeout", false),
        /** A reset or closed connection, a 5xx, or a body that is not JSON. */
        BROKEN(502, "bad-gateway", "Bad Gateway", true);

        private final int status;
        private final String slug;
        private final String title;
        private final boolean sameReplicaMayRetry;

        Kind(int status, String slug, String title, boolean sameReplicaMayRetry) {
            this.status = status;
            this.slug = slug;
            this.title = title;
            this.sameReplicaMayRetry = sameReplicaMayRetry;
        }

        /**
         * Whether retrying the replica that just failed is worth it. Not after a timeout: it
         * would only double the wait; a retry then goes to another replica or not at all.
         */
        boolean sameReplicaMayRetry() {
            return sameReplicaMayRetry;
        }
    }

    private final Kind kind;

    CallFailed(Kind kind, String detail) {
        super(detail, null, false, false); // an outcome, not a bug: no stack trace
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    /** B's answer to its own client for this failure. */
    Problem problem() {
        return Problem.of(kind.status, kind.slug, kind.title, getMessage());
    }
}
