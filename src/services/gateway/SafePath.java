package gateway;

import java.net.URI;
import java.nio.charset.CharacterCodingException;
import kit.PercentDecoder;
import kit.Problem;

/**
 * Checks a request's path before it is routed. The gateway rejects, rather than normalises,
 * any path that could mean one thing here and another upstream: dot segments ({@code ..},
 * {@code %2e%2e}), empty segments ({@code //}), encoded slashes or backslashes ({@code %2f},
 * {@code %5c}), control characters and broken escapes. A path that passes is forwarded byte
 * for byte as the client sent it, so the upstream routes exactly what the gateway routed.
 */
final class SafePath {
    private SafePath() {}

    /** The raw path of {@code target}, or a 400 problem saying what is wrong with it. */
    static String check(URI target) {
        // The request target as the client sent it: getRawPath() would read "//host/x" as an
        // authority plus "/x", hiding the "//" from the checks below.
        String raw = target.toString();
        int end = raw.length();
        for (char c : new char[] {'?', '#'}) {
            int at = raw.indexOf(c);
            if (at >= 0 && at < end) end = at;
        }
        String path = raw.substring(0, end);
        if (!path.startsWith("/")) {
            throw reject(path, "the request target must be a path starting with /");
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty() && i < segments.length - 1) {
                throw reject(path, "empty path segments (//) are not allowed");
            }
            String decoded = decode(path, segment);
            if (decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0) {
                throw reject(path, "encoded slashes or backslashes (%2f, %5c) are not allowed");
            }
            // Some servers drop ";parameters" before they resolve dots: "..;x" is ".." there.
            String name = decoded.split(";", 2)[0];
            if (name.equals(".") || name.equals("..")) {
                throw reject(path, "dot segments (., .., %2e%2e) are not allowed");
            }
            for (int c = 0; c < decoded.length(); c++) {
                if (decoded.charAt(c) < 0x20 || decoded.charAt(c) == 0x7f) {
                    throw reject(path, "control characters are not allowed");
                }
            }
        }
        return path;
    }

    private static String decode(String path, String segment) {
        try {
            return PercentDecoder.decode(segment);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            throw reject(path, "malformed percent-encoding or UTF-8");
        }
    }

    private static Problem reject(String path, String why) {
        return Problem.of(400, "unsafe-path", "Bad Request", why + ": " + path);
    }
}
