package gateway;

import java.io.IOException;
import java.io.InputStream;

/**
 * A client's request body as it streams to the upstream, cut off once it passes the route's
 * limit. This is what bounds a chunked body, whose length nobody knows until its end. It also
 * remembers how the upload went, so that a failure the client caused (a body too large,
 * broken or too slow) is not blamed on the replica that was receiving it.
 */
final class BoundedBody extends InputStream {
    private final InputStream in;
    private final long limit;
    private long read;
    // Set by HttpClient's thread as it reads, read by the handler's thread afterwards.
    private volatile boolean exceeded;
    private volatile boolean complete;
    private volatile String clientFault;

    BoundedBody(InputStream in, long limit) {
        this.in = in;
        this.limit = limit;
    }

    /** Whether the client sent more than the limit (the upload was then cut off). */
    boolean exceeded() {
        return exceeded;
    }

    /** Whether the whole body arrived from the client. */
    boolean complete() {
        return complete;
    }

    /** Why reading the client's body failed, or null if it did not. */
    String clientFault() {
        return clientFault;
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
            throw fault("reading the request body failed: " + e.getMessage());
        }
        if (n < 0) complete = true;
        if (n > 0) {
            read += n;
            if (read > limit) {
                exceeded = true;
                throw fault("request body over " + limit + " bytes");
            }
        }
        return n;
    }

    private IOException fault(String message) {
        clientFault = message;
        return new IOException(message);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
