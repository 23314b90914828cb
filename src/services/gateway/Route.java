package gateway;

import java.time.Duration;
import kit.Upstream;

/**
 * One line of the routing table: requests whose path starts with {@code prefix} (at a segment
 * boundary) go to {@code upstream}, with the prefix replaced by {@code rewrite} when set.
 *
 * @param writeKey whether POST, PUT, PATCH and DELETE need an API key ({@code writes=key})
 * @param rate the limit per client address, or null for none
 * @param line where the route was written, for log lines and errors
 */
record Route(String prefix, Upstream upstream, String rewrite, Duration timeout, long maxBody,
        boolean writeKey, Rate rate, int line) {

    /** Whether {@code path} is the prefix or below it: /users matches /users/7, not /usersx. */
    boolean matches(String path) {
        if (prefix.equals("/")) return true;
        return path.startsWith(prefix)
                && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    /** The path to ask the upstream for: {@code path} with the prefix rewritten, if asked to. */
    String upstreamPath(String path) {
        if (rewrite == null) return path;
        String rest = prefix.equals("/") ? path : path.substring(prefix.length());
        String rewritten = (rewrite.equals("/") ? "" : rewrite) + rest;
        return rewritten.isEmpty() ? "/" : rewritten;
    }

}
