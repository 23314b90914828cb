package catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import kit.Log;

/**
 * What the catalog currently believes about one dependency (PostgreSQL or Redis). A virtual
 * thread probes it: every second while it is up, and with growing pauses while it is down, so
 * a dependency that starts late or comes back is picked up by itself, and a dead one is not
 * hammered. A request that runs into an outage reports it with {@link #failed}, so the
 * requests after it fail fast instead of each waiting for its own timeout.
 */
final class Dependency {
    /** Returns normally when the dependency answers; throws when it does not. */
    @FunctionalInterface
    interface Probe {
        void check() throws Exception;
    }

    static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    static final Duration FIRST_RETRY = Duration.ofMillis(200);
    /** The longest pause between retries: also the longest a recovery goes unnoticed. */
    static final Duration MAX_RETRY = Duration.ofSeconds(2);

    private final String name;
    private final Probe probe;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean up;
    private volatile String lastError = "not checked yet";
    private volatile Instant downSince = Instant.now();
    private volatile boolean stopped;

    Dependency(String name, Probe probe) {
        this.name = name;
        this.probe = probe;
    }

    String name() {
        return name;
    }

    boolean isUp() {
        return up;
    }

    /** Why it is down, for {@code /ready} and 503 answers. */
    String lastError() {
        return lastError;
    }

    /** A request saw an outage: believe it at once, and probe now rather than later. */
    void failed(Throwable cause) {
        markDown(describe(cause));
        wake.release();
    }

    /** Starts the probing thread; the dependency counts as down until the first probe passes. */
    Dependency start() {
        Thread.ofVirtual().name("watch-" + name).start(this::watch);
        return this;
    }

    void stop() {
        stopped = true;
        wake.release();
    }

    private void watch() {
        Duration retry = FIRST_RETRY;
        while (!stopped) {
            try {
                probe.check();
                markUp();
                retry = FIRST_RETRY;
                pause(CHECK_EVERY);
            } catch (Exception e) {
                markDown(describe(e));
                // Jitter keeps the retries of many instances from arriving in step.
                pause(retry.multipliedBy(8 + ThreadLocalRandom.current().nextInt(5)).dividedBy(10));
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY
                        : retry.multipliedBy(2);
            }
        }
    }

    private void markUp() {
        if (up) return;
        up = true;
        Log.info("dependency up", "dependency", name,
                "down_ms", Duration.between(downSince, Instant.now()).toMillis());
    }

    private void markDown(String why) {
        lastError = why;
        if (!up) return;
        up = false;
        downSince = Instant.now();
        Log.warn("dependency down", "dependency", name, "error", why);
    }

    private void pause(Duration duration) {
        try {
            if (wake.tryAcquire(duration.toMillis(), TimeUnit.MILLISECONDS)) wake.drainPermits();
        } catch (InterruptedException e) {
            stopped = true;
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        String text = root.getClass().getSimpleName() + message;
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
