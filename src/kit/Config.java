package kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration from environment variables. A bad value stops the service at start-up with a
 * message that names the variable, the value and what was expected.
 */
public final class Config {
    private Config() {}

    /** Thrown for a missing or malformed setting; {@link Service#run} prints it and exits 2. */
    public static final class Invalid extends RuntimeException {
        Invalid(String name, String value, String expected) {
            super("invalid configuration: " + name + "=" + quote(value) + ": expected " + expected);
        }

        private static String quote(String value) {
            return value == null ? "(unset)" : "\"" + value + "\"";
        }
    }

    /** The variable's value, or {@code defaultValue} when it is unset or empty. */
    public static String string(String name, String defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? defaultValue : value;
    }

    /** A required variable: unset or empty stops the service. */
    public static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) throw new Invalid(name, value, "a value");
        return value;
    }

    /** An integer within [min, max]. */
    public static int integer(String name, int defaultValue, int min, int max) {
        return (int) number(name, defaultValue, min, max);
    }

    /** A duration given in milliseconds, within [min, max] ms. */
    public static Duration millis(String name, int defaultValue, int min, int max) {
        return Duration.ofMillis(integer(name, defaultValue, min, max));
    }

    /** A long within [min, max]. */
    public static long number(String name, long defaultValue, long min, long max) {
        String raw = System.getenv(name);
        if (raw == null || raw.isEmpty()) return defaultValue;
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) return value;
        } catch (NumberFormatException ignored) {
            // reported below with the range
        }
        throw new Invalid(name, raw, "an integer from " + min + " to " + max);
    }

    /**
     * A secret read from the file named by {@code name} (the Docker secrets convention:
     * {@code POSTGRES_PASSWORD_FILE=/run/secrets/db-password}); trailing newlines are dropped.
     */
    public static String secretFile(String name) {
        String path = required(name);
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException | RuntimeException e) {
            throw new Invalid(name, path, "a readable file (" + e.getClass().getSimpleName() + ")");
        }
    }
}
