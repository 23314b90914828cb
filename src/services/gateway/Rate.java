package gateway;

/**
 * A route's rate limit ({@code rate=} and {@code burst=} in the routing table): {@code burst}
 * requests at once, refilled at {@code perSecond}; {@code text} as the table wrote it.
 */
record Rate(double perSecond, int burst, String text) {
    /** The same rate with another burst. */
    Rate withBurst(int burst) {
        return new Rate(perSecond, burst, text);
    }
}
