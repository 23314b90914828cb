package kit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;

/**
 * The HttpServers of one service: its port (HTTPS when it has a keystore), and with TLS the
 * plain port's redirect and the healthcheck's loopback listener; and how they stop. Every
 * exchange runs on a virtual thread of its own, through the request id, access log and
 * admission filters.
 */
final class Listeners {
    /** Connections the kernel queues before the server accepts them. */
    private static final int BACKLOG = 1024;

    private final HttpServer main;
    private final HttpServer redirect;
    private final HttpServer health;

    private Listeners(HttpServer main, HttpServer redirect, HttpServer health) {
        this.main = main;
        this.redirect = redirect;
        this.health = health;
    }

    /** Opens and starts the listeners; {@code handler} answers every request. */
    static Listeners open(int port, Optional<Tls.Settings> tls, HttpHandler handler,
            Metrics metrics, Admission admission) throws IOException {
        HttpServer main = tls.isPresent() ? https(tls.get()) : listen(new InetSocketAddress(port));
        main.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        var context = main.createContext("/", handler);
        context.getFilters().add(new RequestId());
        context.getFilters().add(new AccessLog(metrics));
        context.getFilters().add(admission);
        if (tls.isPresent() && tls.get().hstsMaxAge() > 0) {
            context.getFilters().add(Tls.hsts(tls.get().hstsMaxAge()));
        }
        main.start();
        HttpServer redirect = tls.isPresent() && tls.get().redirect()
                ? redirect(port, tls.get()) : null;
        HttpServer health = tls.isPresent() ? loopbackHealth(handler) : null;
        return new Listeners(main, redirect, health);
    }

    private static HttpServer listen(InetSocketAddress address) throws IOException {
        return HttpServer.create(address, BACKLOG);
    }

    private static HttpServer https(Tls.Settings tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(tls.port()), BACKLOG);
        server.setHttpsConfigurator(Tls.configurator(tls));
        return server;
    }

    /** The plain port of a service with TLS: it only redirects to HTTPS. */
    private static HttpServer redirect(int port, Tls.Settings tls) throws IOException {
        HttpServer server = listen(new InetSocketAddress(port));
        // Its own threads: on HttpServer's dispatcher thread, one slow client would hold up
        // every other client's redirect.
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", Tls.redirect(tls.publicPort()));
        server.start();
        return server;
    }

    /**
     * With TLS, the healthcheck's own plain listener (see {@link Tls#healthPort}): GET /health
     * on 127.0.0.1, unreachable from outside the container.
     */
    private static HttpServer loopbackHealth(HttpHandler handler) throws IOException {
        HttpServer server =
                listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), Tls.healthPort()));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health", handler).getFilters().add(new RequestId());
        server.start();
        return server;
    }

    /**
     * Stops taking connections at once and waits up to {@code grace} for the requests in
     * flight ({@code inFlight}); whether they all finished.
     */
    boolean stop(Duration grace, IntSupplier inFlight) {
        if (redirect != null) redirect.stop(0);
        if (health != null) health.stop(0);
        // HttpServer.stop closes the listener at once, then waits for the exchanges in flight,
        // but it never counts as done one whose client it cut off for being slow: it would
        // wait out the whole grace. So it runs aside, and the exchanges are counted here.
        Thread closing = Thread.ofPlatform().start(() -> main.stop((int) grace.toSeconds()));
        long deadline = System.nanoTime() + grace.toNanos();
        int idlePolls = 0;
        while (closing.isAlive() && System.nanoTime() < deadline && idlePolls < 3) {
            idlePolls = inFlight.getAsInt() == 0 ? idlePolls + 1 : 0;
            pause(Duration.ofMillis(10));
        }
        return inFlight.getAsInt() == 0;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
