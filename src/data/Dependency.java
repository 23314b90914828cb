package data;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import kit.Log;
import kit.Service;

/**
 * What a service currently believes about one dependency (PostgreSQL or Redis). A virtual
 * thread probes it: every second while it is up, and with growing pauses while it is down, so
 * a dependency that starts late or comes back is picked up by itself, and a dead one is not
 * hammered. A request that runs into an outage reports it with {@link #failed}, so the
 * requests after it fail fast instead of each waiting for its own timeout. Until the first
 * probe ends it is neither up nor down: not ready, but not refused to a request either.
 */
public final class Dependency {
    /** Returns normally when the dependency answers; throws when it does not. */
    @FunctionalInterface
    interface Probe {
        void check() throws Exception;
    }

    static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    static final Duration FIRST_RETRY = Duration.ofMillis(200);
    /** The longest pause between retries: also the longest a recovery goes unnoticed. */
    static final Duration MAX_RETRY = Duration.ofSeconds(2);
    /** The longest a service waits at start for its first probes: PostgreSQL's login timeout. */
    static final Duration FIRST_PROBES = Duration.ofSeconds(3);

    private final String name;
    private final Probe probe;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean up;
    private volatile boolean checked;
    private final CountDownLatch firstCheck = new CountDownLatch(1);
    private volatile String lastError = "not checked yet";
    private volatile Instant downSince = Instant.now();
    private volatile boolean stopped;

    Dependency(String name, Probe probe) {
        this.name = name;
        this.probe = probe;
    }

    /**
     * Starts watching {@code dependencies} in the background and reports them on the service's
     * {@code /ready} and as metrics ({@code catalog_postgres_up}, named after {@code prefix}).
     * Waits for their first probes, {@link #FIRST_PROBES} at most, so that the first requests
     * find a connection open (a cold JVM's first login may take longer than a query's deadline);
     * then the service serves {@code /health} and reaches its dependencies when they are there.
     * The image build's training run has none to watch.
     */
    public static void watch(Service service, String prefix, Dependency... dependencies) {
        for (Dependency dependency : dependencies) {
            if (!Service.isTrainingRun()) dependency.start();
            service.readiness(dependency.name, () -> {
                if (!dependency.isUp()) throw new Exception(dependency.lastError());
            });
            service.metrics().gauge(prefix + "_" + dependency.name + "_up",
                    "1 while " + dependency.name + " answers its probes.",
                    () -> dependency.isUp() ? 1 : 0);
        }
        if (Service.isTrainingRun()) return;
        long until = System.nanoTime() + FIRST_PROBES.toNanos();
        try {
            for (Dependency dependency : dependencies) {
                dependency.firstCheck.await(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String name() {
        return name;
    }

    public boolean isUp() {
        return up;
    }

    /**
     * Whether it is known to be down: it failed a probe or a request since it last answered.
     * A dependency not probed yet is not down, so a service just started tries it.
     */
    public boolean isDown() {
        return checked && !up;
    }

    /**
     * Why it is down, for {@code /ready} and 503 answers: a few words, never an address or a
     * driver's message (those go to the log).
     */
    public String lastError() {
        return lastError;
    }

    /** A request saw an outage: believe it at once, and probe now rather than later. */
    void failed(Throwable cause) {
        markDown(cause);
        wake.release();
    }

    /** Starts the probing thread; the dependency counts as down until the first probe passes. */
    Dependency start() {
        Thread.ofVirtual().name("watch-" + name).start(this::probeForever);
        return this;
    }

    void stop() {
        stopped = true;
        wake.release();
    }

    private void probeForever() {
        Duration retry = FIRST_RETRY;
        while (!stopped) {
            try {
                probe.check();
                markUp();
                retry = FIRST_RETRY;
                pause(CHECK_EVERY);
            } catch (Exception e) {
                markDown(e);
                // Jitter keeps the retries of many instances from arriving in step.
                pause(retry.multipliedBy(8 + ThreadLocalRandom.current().nextInt(5)).dividedBy(10));
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY
                        : retry.multipliedBy(2);
            }
        }
    }

    private void markUp() {
        if (!up) {
            up = true;
            Log.info("dependency up", "dependency", name,
                    "down_ms", Duration.between(downSince, Instant.now()).toMillis());
        }
        checked = true; // after up: never down for a moment on the way up
        firstCheck.countDown();
    }

    private void markDown(Throwable cause) {
        lastError = Failure.reason(cause);
        checked = true;
        firstCheck.countDown();
        if (!up) return;
        up = false;
        downSince = Instant.now();
        Log.warn("dependency down", "dependency", name, "reason", lastError,
                "error", Failure.describe(cause));
    }

    private void pause(Duration duration) {
        try {
            if (wake.tryAcquire(duration.toMillis(), TimeUnit.MILLISECONDS)) wake.drainPermits();
        } catch (InterruptedException e) {
            stopped = true;
        }
    }
}
