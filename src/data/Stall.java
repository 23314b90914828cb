package data;

import java.util.concurrent.TimeUnit;

/**
 * A timed wait whose clock ran while this process was stopped (docker pause, a long GC pause,
 * a starved host) overran its timeout by far; the thing it waited for may be ready, its
 * answer unread. Such a wait gets one short grace period, counted after the thaw. A slow
 * dependency overruns a wait by little and gets none, so its failure still comes in time.
 */
final class Stall {
    /**
     * Overrunning a timeout by more than this was not waiting alone. A busy machine wakes a
     * thread late by tens of milliseconds, rarely more; a docker pause lasts seconds.
     */
    private static final long NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How much longer a stalled wait may go on. */
    static final long GRACE_MILLIS = 300;

    private Stall() {}

    /** Whether a wait that began at {@code startNanos} with this timeout met a stall. */
    static boolean met(long startNanos, long timeoutNanos) {
        return System.nanoTime() - startNanos >= timeoutNanos + NANOS;
    }
}
