import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The attacks of tests/overload, and the well-behaved client that runs beside them. It runs in
 * a throwaway JDK container on the challenge's own network (java Attack.java MODE ...), sends
 * only to the host and port it is given, and ends by itself: every socket has a read timeout
 * and every mode a time limit. It prints one line, "outcome ..." counts by what came back:
 * a status code, "closed" (the server closed the connection without an answer), "refused"
 * (no connection), "timeout", "open" (an idle connection the server still held at the end).
 *
 * <pre>
 *   legit    HOST PORT PATH SECONDS           one request at a time on a kept-alive connection,
 *                                             until SECONDS pass or it is stopped (SIGTERM);
 *                                             prints "ready" after its first answer
 *   get      HOST PORT PATH COUNT CONCURRENCY COUNT GETs, CONCURRENCY at a time
 *   methods  HOST PORT COUNT BYTES            distinct invented methods of BYTES letters
 *   paths    HOST PORT COUNT BYTES            distinct paths of BYTES characters
 *   uploads  HOST PORT PATH COUNT BYTES HOLD  COUNT uploads at once that declare BYTES, send all
 *                                             but the last byte, and stall for HOLD seconds
 *   idle     HOST PORT COUNT HOLD             COUNT connections that send nothing for HOLD s
 *   flood    HOST PORT PATH CONCURRENCY SECONDS   GETs as fast as CONCURRENCY clients can
 * </pre>
 */
public final class Attack {
    private static final Map<String, LongAdder> OUTCOMES = new ConcurrentHashMap<>();
    private static final int READ_TIMEOUT_MS = 15_000;
    private static final java.util.concurrent.atomic.AtomicBoolean PRINTED =
            new java.util.concurrent.atomic.AtomicBoolean();
    private static final java.util.concurrent.atomic.AtomicReference<String> FIRST_ERROR =
            new java.util.concurrent.atomic.AtomicReference<>();

    public static void main(String[] args) throws Exception {
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        Runtime.getRuntime().addShutdownHook(new Thread(Attack::printOutcome));
        switch (args[0]) {
            case "legit" -> legit(host, port, args[3], Integer.parseInt(args[4]));
            case "get" -> get(host, port, args[3], Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            case "methods" -> many(Integer.parseInt(args[3]), 32, i -> once(host, port,
                    letters(Integer.parseInt(args[4]), i) + " / HTTP/1.1\r\nHost: x\r\n\r\n"));
            case "paths" -> many(Integer.parseInt(args[3]), 32, i -> once(host, port,
                    "GET /" + letters(Integer.parseInt(args[4]), i).toLowerCase()
                            + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            case "uploads" -> uploads(host, port, args[3], Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            case "idle" -> idle(host, port, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "flood" -> flood(host, port, args[3], Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        printOutcome();
    }

    /** Prints the outcome line once: at the end, or when the container is stopped. */
    private static void printOutcome() {
        if (PRINTED.getAndSet(true)) return;
        StringBuilder line = new StringBuilder("outcome");
        new TreeMap<>(OUTCOMES).forEach((k, v) -> line.append(' ').append(k).append('=')
                .append(v.sum()));
        System.out.println(line);
        System.out.flush();
    }

    private static void count(String outcome) {
        OUTCOMES.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** Runs {@code task(i)} for i in [0, count), {@code concurrency} at a time. */
    private static void many(int count, int concurrency, Task task) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i; (i = next.getAndIncrement()) < count; ) task.run(i);
            }));
        }
        for (Thread thread : threads) thread.join();
    }

    @FunctionalInterface
    private interface Task {
        void run(int i);
    }

    /** Sends {@code head} on a new connection and counts the status of the answer. */
    private static void once(String host, int port, String head) {
        try (Socket socket = connect(host, port)) {
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // The server may close before it read all: what it answered still counts.
            }
            count(status(socket.getInputStream()));
        } catch (IOException e) {
            count(e instanceof SocketTimeoutException ? "timeout" : "refused");
        }
    }

    private static void uploads(String host, int port, String path, int count, int bytes,
            int holdSeconds) throws InterruptedException {
        byte[] body = new byte[bytes - 1];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        many(count, count, i -> {
            try (Socket socket = connect(host, port)) {
                socket.setSoTimeout(holdSeconds * 1000 + READ_TIMEOUT_MS);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                try {
                    out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            + "application/json\r\nContent-Length: " + bytes + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    // refused mid-upload: read what the server answered
                }
                count(status(in)); // the last byte never comes: the server decides when to stop
            } catch (IOException e) {
                count(e instanceof SocketTimeoutException ? "timeout" : "refused");
            }
        });
    }

    private static void idle(String host, int port, int count, int holdSeconds)
            throws InterruptedException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                sockets.add(connect(host, port));
            } catch (IOException e) {
                count("refused");
            }
        }
        Thread.sleep(holdSeconds * 1000L);
        many(sockets.size(), 64, i -> {
            try (Socket socket = sockets.get(i)) {
                socket.setSoTimeout(1);
                count(socket.getInputStream().read() < 0 ? "closed" : "data");
            } catch (SocketTimeoutException e) {
                count("open");
            } catch (IOException e) {
                count("closed");
            }
        });
    }

    private static void legit(String host, int port, String path, int seconds) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://" + host + ":" + port + path);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        boolean ready = false;
        while (System.nanoTime() < end) {
            send(client, uri);
            if (!ready && !OUTCOMES.isEmpty()) {
                System.out.println("ready");
                System.out.flush();
                ready = true;
            }
            Thread.sleep(50);
        }
    }

    private static void get(String host, int port, String path, int count, int concurrency)
            throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://" + host + ":" + port + path);
        many(count, concurrency, i -> send(client, uri));
    }

    private static void flood(String host, int port, String path, int concurrency, int seconds)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://" + host + ":" + port + path);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < concurrency; t++) {
                threads.submit(() -> {
                    while (System.nanoTime() < end) send(client, uri);
                    return null;
                });
            }
        }
    }

    private static void send(HttpClient client, URI uri) {
        try {
            // The whole body read, as a real client would: then the connection is kept for
            // the next request (with discarding(), HttpClient may open a new one each time).
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
            count(Integer.toString(response.statusCode()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            count(e instanceof java.net.http.HttpTimeoutException ? "timeout" : "closed");
            if (FIRST_ERROR.compareAndSet(null, e.toString())) System.err.println("first error: " + e);
        }
    }

    private static Socket connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    /** The status code of the answer on {@code in}, or "closed" when there is none. */
    private static String status(InputStream in) {
        try {
            byte[] line = in.readNBytes(12);
            String text = new String(line, StandardCharsets.ISO_8859_1);
            return text.startsWith("HTTP/1.1 ") && text.length() == 12 ? text.substring(9)
                    : "closed";
        } catch (SocketTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "closed";
        }
    }

    /** {@code length} upper-case letters, different for each {@code i}. */
    private static String letters(int length, int i) {
        StringBuilder out = new StringBuilder(length);
        String seed = Integer.toString(i, 26).toUpperCase();
        while (out.length() < length) out.append((char) ('A' + out.length() % 26));
        for (int c = 0; c < seed.length(); c++) {
            char d = seed.charAt(c);
            out.setCharAt(c, (char) ('A' + Character.digit(d, 26)));
        }
        return out.toString();
    }
}
