package kit;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The container healthcheck: {@code java kit.HealthCheck [path]} exits 0 when
 * {@code http://127.0.0.1:$PORT/path} answers 200. Plain sockets keep it fast and let the image
 * do without curl or wget.
 */
public final class HealthCheck {
    private HealthCheck() {}

    public static void main(String[] args) {
        String path = args.length > 0 ? args[0] : "/health";
        String port = System.getenv().getOrDefault("PORT", String.valueOf(Service.DEFAULT_PORT));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), 1000);
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
            // The image build runs this once with nothing listening, to record its AOT cache.
            System.exit(Boolean.getBoolean("kit.training") ? 0 : 1);
        }
    }
}
