package kit;

import java.security.Security;

/**
 * JDK settings every service needs, applied before the first server or client exists (the JDK
 * reads them once). A value given with {@code -D} on the command line wins.
 */
final class JdkDefaults {
    private JdkDefaults() {}

    static void apply() {
        // Without TCP_NODELAY, responses of about 9-20 KB stall ~40 ms on keep-alive
        // connections (Nagle's algorithm meets delayed ACKs).
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        // A client that stops reading its answer may not hold a connection forever (seconds);
        // the bounds on requests are in Limits.
        setIfAbsent("sun.net.httpserver.maxRspTime", "60");
        setIfAbsent("sun.net.httpserver.idleInterval", "30");
        // Our clients drop pooled connections before a server's 30 s idle timeout closes
        // them, so a request never goes out on a connection that is already closed.
        setIfAbsent("jdk.httpclient.keepalive.timeout", "20");
        // Containers come and go with new addresses: do not cache names for 30 s.
        if (Security.getProperty("networkaddress.cache.ttl") == null
                && System.getProperty("sun.net.inetaddr.ttl") == null) {
            Security.setProperty("networkaddress.cache.ttl", "2");
            Security.setProperty("networkaddress.cache.negative.ttl", "1");
        }
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) System.setProperty(name, value);
    }
}
