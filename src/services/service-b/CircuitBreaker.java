package serviceb;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A circuit breaker for calls to one dependency. After {@code threshold} failed calls in a row
 * it opens: calls fail at once for {@code openFor} instead of each waiting for a timeout, which
 * spares both the callers and the struggling dependency. Then it half-opens and lets exactly one
 * trial call through; the trial's success closes it, its failure opens it again.
 *
 * <p>Every caller that {@link #acquire}s must report {@link #succeeded} or {@link #failed}.
 */
final class CircuitBreaker {
    enum State { CLOSED, HALF_OPEN, OPEN }

    /** Told of every change of state, under the breaker's lock: keep it short. */
    @FunctionalInterface
    interface Listener {
        void changed(State from, State to);
    }

    /** Thrown by {@link #acquire} while calls are refused. */
    static final class Open extends Exception {
        private final long retryAfterMillis;

        Open(long retryAfterMillis) {
            super("circuit open", null, false, false);
            this.retryAfterMillis = retryAfterMillis;
        }

        /** How long until a trial call may go through. */
        long retryAfterMillis() {
            return retryAfterMillis;
        }
    }

    private final int threshold;
    private final long openNanos;
    private final LongSupplier nanoClock;
    private final Listener listener;
    private State state = State.CLOSED;
    private int failures;
    private long openedAt;

    CircuitBreaker(int threshold, Duration openFor, LongSupplier nanoClock, Listener listener) {
        this.threshold = threshold;
        this.openNanos = openFor.toNanos();
        this.nanoClock = nanoClock;
        this.listener = listener;
    }

    /** Lets a call through, or throws {@link Open} when calls are refused for now. */
    synchronized void acquire() throws Open {
        switch (state) {
            case CLOSED -> { }
            case HALF_OPEN -> throw new Open(1000); // one trial at a time; it ends soon
            case OPEN -> {
                long waited = nanoClock.getAsLong() - openedAt;
                if (waited < openNanos) throw new Open((openNanos - waited) / 1_000_000);
                move(State.HALF_OPEN); // this caller makes the trial call
            }
        }
    }

    /** The call got an answer: the dependency works. */
    synchronized void succeeded() {
        failures = 0;
        if (state == State.HALF_OPEN) move(State.CLOSED);
    }

    /** The call got no usable answer. */
    synchronized void failed() {
        switch (state) {
            case CLOSED -> {
                if (++failures >= threshold) open();
            }
            case HALF_OPEN -> open();
            case OPEN -> { } // a call let through before the breaker opened: nothing new
        }
    }

    synchronized State state() {
        return state;
    }

    private void open() {
        openedAt = nanoClock.getAsLong();
        move(State.OPEN);
    }

    private void move(State to) {
        State from = state;
        state = to;
        listener.changed(from, to);
    }
}
