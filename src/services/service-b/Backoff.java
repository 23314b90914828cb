package serviceb;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: retry {@code n} waits between half and all of
 * {@code base * 2^(n-1)}. The random half spreads out callers that failed together, so their
 * retries do not arrive together again.
 */
record Backoff(Duration base) {
    /** The pause before retry {@code n} (1 for the first retry). */
    Duration before(int n) {
        long ceiling = base.toMillis() << Math.min(n - 1, 16);
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    /** Sleeps before retry {@code n}; an interrupt ends the sleep early and is kept. */
    void pause(int n) {
        try {
            Thread.sleep(before(n));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
