import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;

/**
 * The least a proxy built as the gateway is built can do, for bench-5's "JDK floor" row: the
 * same two JDK HTTP stacks, set up as the kit sets them up (HttpServer with a virtual thread
 * per exchange and TCP_NODELAY; HttpClient speaking HTTP/1.1, its steps run on its selector
 * thread), and nothing else: only Content-Type passed on, no limits, logs, metrics or retries.
 * Whatever the gateway costs above this row is the gateway's own; what this row costs above
 * nginx is the JDK's. Run from source, with the kit's JDK settings (kit.JdkDefaults):
 *   java -Dsun.net.httpserver.nodelay=true -Djdk.httpclient.keepalive.timeout=20 \
 *     JdkFloorProxy.java http://products-service:8080
 */
public class JdkFloorProxy {
    public static void main(String[] args) throws Exception {
        String upstream = args[0];
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run)
                .build();
        HttpServer server = HttpServer.create(new InetSocketAddress(8080), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                URI uri = URI.create(upstream + exchange.getRequestURI());
                HttpRequest request = HttpRequest.newBuilder(uri).build();
                HttpResponse<InputStream> response =
                        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                response.headers().firstValue("Content-Type")
                        .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
                // For sendResponseHeaders, -1 means no body and 0 means chunked (length unknown).
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-2);
                exchange.sendResponseHeaders(response.statusCode(),
                        length == 0 ? -1 : length < 0 ? 0 : length);
                try (InputStream in = response.body()) {
                    OutputStream out = exchange.getResponseBody();
                    in.transferTo(out);
                    out.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        System.out.println("listening");
    }
}
