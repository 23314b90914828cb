package gateway;

import java.io.IOException;
import java.io.InputStream;

/**
 * A client's request body as it streams to the upstream, cut off once it passes the route's
 * limit. This is what bounds a chunked body, whose length nobody knows until its end.
 */
final class BoundedBody extends InputStream {
    /** Reading the client's body failed: it is too large or the client went away. */
    static final class ClientError extends IOException {
        ClientError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final InputStream in;
    private final long limit;
    private long read;
    private volatile boolean exceeded; // read by the handler thread, set by HttpClient's

    BoundedBody(InputStream in, long limit) {
        this.in = in;
        this.limit = limit;
    }

    /** Whether the client sent more than the limit (the upload was then cut off). */
    boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException e) {
            throw new ClientError("reading the request body failed: " + e.getMessage(), e);
        }
        if (n > 0) {
            read += n;
            if (read > limit) {
                exceeded = true;
                throw new ClientError("request body over " + limit + " bytes", null);
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
