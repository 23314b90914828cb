package server;

import com.eclipsesource.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import kit.Request;
import kit.RequestId;
import kit.Service;

/**
 * Challenge 1's server. {@code GET /} answers with what a client should notice about talking
 * to a container by name: which container answered (its hostname), how many requests it has
 * served since it started, the time, and the address the request came from.
 */
public final class Main {
    private final AtomicLong requests = new AtomicLong();
    private final Service service;

    private Main(Service service) {
        this.service = service;
    }

    public static void main(String[] args) {
        Service.run("server", service -> {
            Main server = new Main(service);
            service.routes().get("/", server::hello);
        });
    }

    private void hello(Request request) throws IOException {
        InetSocketAddress client = request.exchange().getRemoteAddress();
        request.respond(200, Json.object()
                .add("message", "hello from the server container")
                .add("hostname", service.instance())
                .add("request_number", requests.incrementAndGet())
                .add("time", Instant.now().toString())
                .add("client", Json.object()
                        .add("address", client.getAddress().getHostAddress())
                        .add("port", client.getPort()))
                .add("request_id", RequestId.current()));
    }
}
