package kit;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * HTTPS for a service, switched on by {@code TLS_KEYSTORE} (a PKCS#12 file with the key and
 * certificate) and {@code TLS_KEYSTORE_PASSWORD_FILE} (a secret file). The service then answers
 * with HttpsServer on {@code TLS_PORT} (8443), TLS 1.3 and 1.2 only, and its plain {@code PORT}
 * either redirects there ({@code PLAIN_HTTP=redirect}, the default) or stays closed
 * ({@code PLAIN_HTTP=off}). {@code TLS_PUBLIC_PORT} is the HTTPS port as clients reach it (the
 * published one), for the redirect's Location.
 */
final class Tls {
    static final int DEFAULT_TLS_PORT = 8443;
    static final int DEFAULT_HEALTH_PORT = 8081;
    /** Older versions have known weaknesses (RFC 8996 deprecates TLS 1.0 and 1.1). */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * TLS 1.3's suites, and for TLS 1.2 only forward-secret key exchange (ECDHE) with an AEAD
     * cipher: no CBC mode (padding oracles), no SHA-1, no RSA key transport. The list the
     * Mozilla "intermediate" configuration recommends, for the JDK's names.
     */
    static final String[] CIPHER_SUITES = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    };

    /**
     * The TLS settings of a service: where it listens, its key and certificate, and how long
     * browsers should insist on HTTPS for its host ({@code HSTS_MAX_AGE} seconds; 0, the
     * default, sends no Strict-Transport-Security). Set it only for a real host name: on
     * localhost a browser would then refuse plain HTTP to every local server for that long.
     */
    record Settings(int port, int publicPort, boolean redirect, SSLContext context,
            long hstsMaxAge) {}

    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]");

    private Tls() {}

    /** The settings from the environment, or empty when TLS_KEYSTORE is not set. */
    static Optional<Settings> fromEnv() {
        if (!enabled()) return Optional.empty();
        String plain = Config.string("PLAIN_HTTP", "redirect");
        if (!plain.equals("redirect") && !plain.equals("off")) {
            throw new Config.Invalid("PLAIN_HTTP", plain, "redirect or off");
        }
        int port = port();
        return Optional.of(new Settings(port, Config.integer("TLS_PUBLIC_PORT", port, 1, 65535),
                plain.equals("redirect"), context(Config.string("TLS_KEYSTORE", "")),
                Config.number("HSTS_MAX_AGE", 0, 0, 63_072_000)));
    }

    /** The service's key and certificate from the keystore {@code file}, ready for TLS. */
    private static SSLContext context(String file) {
        char[] password = Config.secretFile("TLS_KEYSTORE_PASSWORD_FILE").toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return context(in, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new Config.Invalid("TLS_KEYSTORE", file,
                    "a PKCS#12 keystore that TLS_KEYSTORE_PASSWORD_FILE opens (" + e + ")");
        }
    }

    /**
     * For the training run: opens a keystore (an empty one, made here) and sets up a TLS
     * context and engine as {@link #fromEnv} and HttpsServer do, so that the AOT cache holds
     * the classes (about a thousand) an HTTPS start would otherwise load from the runtime.
     */
    static void train() {
        char[] password = "training".toCharArray();
        try {
            KeyStore empty = KeyStore.getInstance("PKCS12");
            empty.load(null, null);
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            empty.store(file, password);
            SSLContext context = context(new ByteArrayInputStream(file.toByteArray()), password);
            context.createSSLEngine().setSSLParameters(context.getDefaultSSLParameters());
        } catch (IOException | GeneralSecurityException e) {
            Log.warn("tls training failed", "error", e.toString());
        }
    }

    /** A TLS context with the key and certificate of the PKCS#12 keystore {@code in}. */
    private static SSLContext context(InputStream in, char[] password)
            throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(in, password);
        KeyManagerFactory factory =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    /** What HttpsServer needs: the service's key, and only the protocols above. */
    static HttpsConfigurator configurator(Settings settings) {
        return new HttpsConfigurator(settings.context()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setProtocols(PROTOCOLS);
                parameters.setCipherSuites(CIPHER_SUITES);
                params.setSSLParameters(parameters);
            }
        };
    }

    /** Adds Strict-Transport-Security to every HTTPS answer. */
    static Filter hsts(long maxAgeSeconds) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                exchange.getResponseHeaders().set("Strict-Transport-Security",
                        "max-age=" + maxAgeSeconds);
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "Strict-Transport-Security";
            }
        };
    }

    /** Whether TLS_KEYSTORE asks for HTTPS (for the healthcheck, without reading the keys). */
    static boolean enabled() {
        return !Config.string("TLS_KEYSTORE", "").isEmpty();
    }

    /** The HTTPS port (TLS_PORT). */
    static int port() {
        return Config.integer("TLS_PORT", DEFAULT_TLS_PORT, 1, 65535);
    }

    /**
     * The port of the healthcheck's plain listener (HEALTH_PORT), on the loopback address: only
     * a process inside the container reaches it: a check over TLS would cost a fresh JVM a
     * handshake with nothing compiled, every few seconds (figures: docs/performance.md).
     */
    static int healthPort() {
        return Config.integer("HEALTH_PORT", DEFAULT_HEALTH_PORT, 1, 65535);
    }

    /**
     * The plain port's only answer: 308 to the same target over HTTPS (308 keeps the method
     * and body, where 301 lets clients turn a POST into a GET).
     */
    static HttpHandler redirect(int publicPort) {
        return (HttpExchange exchange) -> {
            try (exchange) {
                String host = exchange.getRequestHeaders().getFirst("Host");
                // The name the client used, without its port ([::1] keeps its brackets);
                // anything that is not a plain host name is not copied into the Location.
                String name = host == null ? "" : host.replaceFirst(":[0-9]*$", "");
                if (!HOST_NAME.matcher(name).matches()) name = "localhost";
                exchange.getResponseHeaders().set("Location", "https://" + name + ":"
                        + publicPort + exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null
                                ? "" : "?" + exchange.getRequestURI().getRawQuery()));
                exchange.getResponseHeaders().set("Connection", "close");
                exchange.sendResponseHeaders(308, -1);
            }
        };
    }
}
