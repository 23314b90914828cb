package gateway;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import kit.Problem;

/**
 * The keys that let a client write (POST, PUT, PATCH, DELETE) on a route marked
 * {@code writes=key}: one key per line in a secret file, sent by the client in {@code X-Api-Key}.
 * Only the SHA-256 of each key is kept, and a presented key is compared with every one of them
 * in constant time, so the answer's timing says nothing about how much of a key was right.
 */
final class ApiKeys {
    static final String HEADER = "X-Api-Key";
    static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Shorter keys are refused at start: they could be guessed. */
    static final int MIN_LENGTH = 16;

    private final List<byte[]> hashes;

    private ApiKeys(List<byte[]> hashes) {
        this.hashes = hashes;
    }

    /** No key at all: every write to a {@code writes=key} route is refused. */
    static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /** Reads {@code file}: one key per line; blank lines and lines starting with # are skipped. */
    static ApiKeys load(Path file) throws SetupError {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new SetupError("API keys file " + file + ": cannot read it ("
                    + e.getClass().getSimpleName() + ")");
        }
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String key = lines.get(i).strip();
            if (key.isEmpty() || key.startsWith("#")) continue;
            if (key.length() < MIN_LENGTH) {
                // The message names the line, never the key.
                throw new SetupError("API keys file " + file + " line " + (i + 1)
                        + ": a key must have at least " + MIN_LENGTH + " characters");
            }
            hashes.add(sha256(key));
        }
        return new ApiKeys(List.copyOf(hashes));
    }

    int size() {
        return hashes.size();
    }

    /** Refuses a write to {@code route} with 401 unless it carries one of the keys. */
    void check(HttpExchange exchange, Route route) {
        if (!route.writeKey() || !WRITES.contains(exchange.getRequestMethod())) return;
        String presented = exchange.getRequestHeaders().getFirst(HEADER);
        if (presented == null) throw unauthorized("a write to " + route.prefix()
                + " needs an API key in the " + HEADER + " header");
        byte[] hash = sha256(presented.strip());
        boolean found = false;
        for (byte[] known : hashes) found |= MessageDigest.isEqual(known, hash); // no early exit
        if (!found) throw unauthorized("the API key in " + HEADER + " is not valid");
    }

    private static Problem unauthorized(String detail) {
        return Problem.of(401, "unauthorized", "Unauthorized", detail)
                .header("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
