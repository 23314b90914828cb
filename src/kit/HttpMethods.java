package kit;

import java.util.Set;

/**
 * The request methods the services implement (RFC 9110 and PATCH, RFC 5789). Any other token
 * is refused with 501 before it is routed, and it is logged and counted as "other": a method
 * is client text, and each new one would otherwise be a new metrics series and log value.
 */
public final class HttpMethods {
    public static final Set<String> KNOWN =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private HttpMethods() {}

    public static boolean isKnown(String method) {
        return KNOWN.contains(method);
    }

    /** The method as a metrics label or log value: itself if known, else "other". */
    public static String label(String method) {
        return isKnown(method) ? method : "other";
    }
}
