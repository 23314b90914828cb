package serviceb;

import kit.CallFailure;
import kit.Problem;

/**
 * A call to service A that got no usable answer: why (the kit's {@link CallFailure}), and what B
 * answers its own client for it. A that cannot be reached is a 503 (B is unavailable without
 * it), A that took too long a 504, an answer B cannot use a 502.
 */
final class CallFailed extends Exception {
    private final CallFailure failure;

    CallFailed(CallFailure failure, String detail) {
        super(detail, null, false, false); // an outcome, not a bug: no stack trace
        this.failure = failure;
    }

    /**
     * Whether retrying the replica that just failed is worth it: after a refusal (it may be
     * starting) or a broken answer, not after a timeout, which would only double the wait.
     */
    boolean sameReplicaMayRetry() {
        return failure == CallFailure.REFUSED || failure == CallFailure.BROKEN;
    }

    /** B's answer to its own client for this failure. */
    Problem problem() {
        return switch (failure) {
            case NO_REPLICA, REFUSED, CONNECT_TIMEOUT -> Problem.of(503, "upstream-unavailable",
                    "Service Unavailable", getMessage());
            case TIMEOUT -> Problem.of(504, "upstream-timeout", "Gateway Timeout", getMessage());
            case BROKEN -> Problem.of(502, "bad-gateway", "Bad Gateway", getMessage());
        };
    }
}
