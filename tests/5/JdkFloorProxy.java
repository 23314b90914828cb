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
 * same two JDK HTTP stacks (HttpServer towards the client, with a virtual thread per exchange;
 * HttpClient towards products-service, its steps run on its selector thread), and nothing
 * else: no headers passed on, no limits, logs, metrics or retries. Whatever the gateway costs
 * above this row is the gateway's own; what this row costs above nginx is the JDK's.
 * Run from source: java JdkFloorProxy.java http://products-service:8080
 */
public class JdkFloorProxy {
    public static void main(String[] args) throws Exception {
        String upstream = args[0];
        HttpClient client = HttpClient.newBuilder().executor(Runnable::run).build();
        HttpServer server = HttpServer.create(new InetSocketAddress(8080), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                HttpRequest request =
                        HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI())).build();
                HttpResponse<InputStream> response =
                        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(response.statusCode(), length == 0 ? -1 : length);
                try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
                    in.transferTo(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        System.out.println("listening");
    }
}
