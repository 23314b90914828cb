package kit;

/**
 * What a client can make a service hold, per request and in total, in one place. Past each
 * bound a service refuses quickly (a 4xx, a 503 with Retry-After, or a closed connection)
 * instead of running out of memory. The per-service totals can be set by environment variable;
 * a bad value stops the service at start-up. The README's hardening section lists them all.
 */
public final class Limits {
    /**
     * A request's head, request line and headers together, in bytes (the JDK server counts 32
     * more per header line). Past it the JDK's HttpServer closes the connection. nginx allows
     * 8 KiB per line and 32 KiB in all; the same bound in every service, so that what the
     * gateway accepts, its upstreams accept too.
     */
    public static final int HEAD_BYTES = 16 * 1024;
    /** Header lines per request; past it the JDK's HttpServer closes the connection. */
    public static final int HEADER_LINES = 100;
    /** Seconds a request may take to arrive, head and body; then its connection is closed. */
    public static final int REQUEST_SECONDS = 10;

    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /**
     * Open connections, idle ones included. Each costs a few kilobytes of heap until it sends
     * its first request and about 30 KB while one is read (the JDK's three 8 KiB buffers); past
     * the bound, the JDK's HttpServer closes new connections as it accepts them.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 2000;
    /** Requests being handled at once; the next one gets a 503 at once. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    /** The share of the heap that request bodies read into memory may take, all requests together. */
    public static final int BODY_BUFFER_HEAP_SHARE = 4;

    private final int maxBodyBytes;
    private final int maxConnections;
    private final int maxInFlight;
    private final long bodyBufferBytes;

    private Limits(int maxBodyBytes, int maxConnections, int maxInFlight, long bodyBufferBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxConnections = maxConnections;
        this.maxInFlight = maxInFlight;
        this.bodyBufferBytes = bodyBufferBytes;
    }

    /**
     * MAX_BODY_BYTES (one request's body), MAX_CONNECTIONS, MAX_IN_FLIGHT and
     * BODY_BUFFER_BYTES (all bodies held at once, a quarter of the heap by default).
     */
    static Limits fromEnv() {
        long heapShare = Runtime.getRuntime().maxMemory() / BODY_BUFFER_HEAP_SHARE;
        int maxBody = Config.integer("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1, 1 << 30);
        long buffer = Config.number("BODY_BUFFER_BYTES", heapShare, 1, Long.MAX_VALUE);
        if (buffer < maxBody) {
            throw new Config.Invalid("BODY_BUFFER_BYTES", Long.toString(buffer),
                    "at least MAX_BODY_BYTES (" + maxBody + "), or no body could ever be read");
        }
        return new Limits(maxBody,
                Config.integer("MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
                Config.integer("MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT, 1, 1_000_000),
                buffer);
    }

    /** The bounds the JDK's HttpServer applies itself; it reads them once, when first used. */
    void applyToJdk() {
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", HEAD_BYTES);
        setIfAbsent("sun.net.httpserver.maxReqHeaders", HEADER_LINES);
        setIfAbsent("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
        setIfAbsent("jdk.httpserver.maxConnections", maxConnections);
    }

    int maxBodyBytes() {
        return maxBodyBytes;
    }

    int maxConnections() {
        return maxConnections;
    }

    int maxInFlight() {
        return maxInFlight;
    }

    long bodyBufferBytes() {
        return bodyBufferBytes;
    }

    private static void setIfAbsent(String name, int value) {
        if (System.getProperty(name) == null) System.setProperty(name, Integer.toString(value));
    }
}
