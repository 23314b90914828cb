package kit;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The container healthcheck: {@code java kit.HealthCheck [path]} exits 0 when
 * {@code http://127.0.0.1:$PORT/path} answers 200, or {@code http://127.0.0.1:$HEALTH_PORT/path}
 * when the service has TLS (see {@link Tls#healthPort}). Plain sockets keep it fast and let the
 * image do without curl or wget.
 */
public final class HealthCheck {
    private HealthCheck() {}

    public static void main(String[] args) {
        String path = args.length > 0 ? args[0] : "/health";
        try (Socket socket = connect()) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "User-Agent: healthcheck\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            System.out.println(status.trim());
            System.exit(status.startsWith("HTTP/1.1 200") ? 0 : 1);
        } catch (Exception e) {
            System.out.println("unhealthy: " + e);
            System.exit(1);
        }
    }

    private static Socket connect() throws Exception {
        int port = Tls.enabled() ? Tls.healthPort()
                : Config.integer("PORT", Service.DEFAULT_PORT, 1, 65535);
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return socket;
    }
}
