package kit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The training run behind each image's AOT cache: the image build starts the service with
 * {@code -Dkit.training=true -XX:AOTCacheOutput=...}, this sends it a few hundred requests
 * of every common kind (ok, not found, wrong method, metrics), and the JVM then writes the
 * classes it loaded, linked and profiled. Containers start from that cache in a fraction of
 * the time (JEP 483, 514, 515).
 */
final class Training {
    private Training() {}

    static boolean isRunning() {
        return Boolean.getBoolean("kit.training");
    }

    static void run(int port) throws IOException, InterruptedException {
        // Generous timeouts: an image build on a busy machine must not fail for slowness.
        HttpClient client = Client.create(Duration.ofSeconds(30));
        String base = "http://127.0.0.1:" + port;
        String[] paths = {"/health", "/ready", "/metrics", "/no-such-path", "/"};
        for (int round = 0; round < 200; round++) {
            for (String path : paths) {
                client.send(Client.request(URI.create(base + path), Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            client.send(Client.request(URI.create(base + "/health"), Duration.ofSeconds(30))
                            .DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        Log.info("training done", "requests", 200 * (paths.length + 1));
    }
}
