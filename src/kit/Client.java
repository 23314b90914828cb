package kit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLParameters;

/**
 * Outgoing HTTP calls: every service's {@link HttpClient}s are built here, so every call has
 * timeouts, HTTP/1.1 and the caller's request id.
 */
public final class Client {
    private Client() {}

    /**
     * A client with a connect timeout whose internal steps run on virtual threads. HTTP/1.1 is
     * forced: the default, HTTP/2, would send h2c upgrade headers on plain http that some
     * servers mishandle. Its keep-alive timeout (20 s, set by the kit) is shorter than our
     * servers' idle timeout (30 s).
     */
    public static HttpClient create(Duration connectTimeout) {
        return create(connectTimeout, Executors.newVirtualThreadPerTaskExecutor());
    }

    /**
     * The same client, whose internal steps run on {@code executor} ({@code Runnable::run}:
     * on HttpClient's own selector thread).
     *
     * <p>These clients call services by plain HTTP on the compose network. Left to itself,
     * HttpClient sets up the JDK's default TLS context as it is built (the TLS provider, its
     * cipher suites, every CA certificate the runtime trusts): about a quarter of a second of
     * a service's start. So it gets {@link PlainHttpOnly} instead.
     */
    public static HttpClient create(Duration connectTimeout, Executor executor) {
        JdkDefaults.apply();
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(new PlainHttpOnly())
                .sslParameters(new SSLParameters())
                .executor(executor)
                .build();
    }

    /** An answer longer than the caller takes ({@link #textUpTo}). */
    public static final class TooLong extends IOException {
        TooLong(int maxBytes) {
            super("the answer is longer than " + maxBytes + " bytes");
        }
    }

    /**
     * An answer's body as UTF-8 text, failed with {@link TooLong} once it passes
     * {@code maxBytes}: a dependency that sends without end must not fill the caller's heap.
     */
    public static HttpResponse.BodyHandler<String> textUpTo(int maxBytes) {
        return info -> new BoundedText(maxBytes);
    }

    /** A request to {@code uri} that must be answered within {@code timeout}, with the id. */
    public static HttpRequest.Builder request(URI uri, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout);
        String id = RequestId.current();
        if (id != null) builder.header(RequestId.HEADER, id);
        return builder;
    }
}
