package gateway;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kit.Upstream;

/**
 * One line of the routing table, {@code PREFIX HOST:PORT [option=value ...]}, read into a
 * {@link Route}; a line that does not parse is a {@link SetupError} that says where and why.
 */
final class RouteLine {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final long DEFAULT_MAX_BODY = 1 << 20;
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    private static final Pattern PREFIX = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+");
    private static final Pattern UPSTREAM = Pattern.compile("([a-z0-9][a-z0-9.-]*):([0-9]{1,5})");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s)");
    private static final Pattern RATE = Pattern.compile("([0-9]{1,6})/(s|min)");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,6}");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,9})(B|KiB|MiB)");

    private final String where;
    private Duration timeout = DEFAULT_TIMEOUT;
    private long maxBody = DEFAULT_MAX_BODY;
    private String rewrite;
    private boolean writeKey;
    private Rate rate;
    private int burst;

    private RouteLine(String where) {
        this.where = where;
    }

    /**
     * The route of {@code text} (line {@code line}, errors start with {@code where}); its
     * upstream is the one in {@code upstreams} for the same HOST:PORT, made on first use.
     */
    static Route parse(String text, int line, String where, Map<String, Upstream> upstreams,
            Duration ejectFor) throws SetupError {
        String[] words = text.split("\\s+");
        if (words.length < 2) {
            throw new SetupError(where + "expected PREFIX HOST:PORT [option=value ...]");
        }
        String prefix = words[0];
        if (!PREFIX.matcher(prefix).matches()) {
            throw new SetupError(where + "prefix \"" + prefix + "\" must be / or /segments of "
                    + "letters, digits and ._~- without a trailing /");
        }
        Matcher target = UPSTREAM.matcher(words[1]);
        int port = target.matches() ? Integer.parseInt(target.group(2)) : 0;
        if (port < 1 || port > 65535) {
            throw new SetupError(where + "upstream \"" + words[1] + "\" must be host:port");
        }
        Upstream upstream = upstreams.computeIfAbsent(words[1],
                name -> new Upstream(target.group(1), port, ejectFor));
        RouteLine options = new RouteLine(where);
        for (int w = 2; w < words.length; w++) options.option(words[w]);
        return options.route(prefix, upstream, line);
    }

    private void option(String word) throws SetupError {
        String[] option = word.split("=", 2);
        String value = option.length == 2 ? option[1] : "";
        switch (option[0]) {
            case "timeout" -> timeout = duration(value);
            case "max-body" -> maxBody = size(value);
            case "rewrite" -> {
                if (!PREFIX.matcher(value).matches()) {
                    throw new SetupError(where + "rewrite \"" + value + "\" must be / or a path"
                            + " like a prefix");
                }
                rewrite = value;
            }
            case "writes" -> writeKey = switch (value) {
                case "key" -> true;
                case "open" -> false;
                default -> throw new SetupError(where + "writes \"" + value
                        + "\" must be key or open");
            };
            case "rate" -> rate = rate(value);
            case "burst" -> {
                if (!COUNT.matcher(value).matches() || Integer.parseInt(value) == 0) {
                    throw new SetupError(where + "burst \"" + value + "\" must be a count from 1");
                }
                burst = Integer.parseInt(value);
            }
            default -> throw new SetupError(where + "unknown option \"" + word
                    + "\" (expected timeout=, rewrite=, max-body=, writes=, rate= or burst=)");
        }
    }

    private Route route(String prefix, Upstream upstream, int line) throws SetupError {
        if (burst > 0 && rate == null) throw new SetupError(where + "burst= needs a rate=");
        Rate limit = burst > 0 ? rate.withBurst(burst) : rate;
        return new Route(prefix, upstream, rewrite, timeout, maxBody, writeKey, limit, line);
    }

    private Duration duration(String value) throws SetupError {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMillis(n);
            if (!d.isZero() && d.compareTo(MAX_TIMEOUT) <= 0) return d;
        }
        throw new SetupError(where + "timeout \"" + value + "\" must be like 500ms or 2s (at most "
                + MAX_TIMEOUT.toSeconds() + "s)");
    }

    /** {@code 10/s} or {@code 600/min}; the burst is the same count unless burst= says. */
    private Rate rate(String value) throws SetupError {
        Matcher m = RATE.matcher(value);
        if (m.matches() && Integer.parseInt(m.group(1)) > 0) {
            int n = Integer.parseInt(m.group(1));
            return new Rate(m.group(2).equals("s") ? n : n / 60.0, n, value);
        }
        throw new SetupError(where + "rate \"" + value + "\" must be like 10/s or 600/min");
    }

    private long size(String value) throws SetupError {
        Matcher m = SIZE.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2)) {
                case "KiB" -> 10;
                case "MiB" -> 20;
                default -> 0;
            };
            if (n > 0 && n <= (1L << 30) >> shift) return n << shift;
        }
        throw new SetupError(where + "max-body \"" + value + "\" must be like 512KiB or 16MiB "
                + "(at most 1024MiB)");
    }
}
