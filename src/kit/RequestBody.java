package kit;

import com.sun.net.httpserver.HttpExchange;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's body as the kit reads it: whole, up to the service's limit, out of the body
 * budget all requests share (taken before it is read, given back once answered), or as a
 * stream whose read failures are the client's 400.
 */
final class RequestBody {
    /** Bytes read at a time from a body sent in chunks (its length is known only at its end). */
    private static final int PIECE = 16 * 1024;

    private final HttpExchange exchange;
    private final int maxBytes;
    private final Admission admission;
    private long budgetTaken;

    RequestBody(HttpExchange exchange, int maxBytes, Admission admission) {
        this.exchange = exchange;
        this.maxBytes = maxBytes;
        this.admission = admission;
    }

    /** The whole body: its declared length taken from the budget first, or piece by piece. */
    byte[] read() throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length == null) return readPieces();
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw Problem.badRequest("Content-Length is not a number: " + length);
        }
        if (declared < 0) throw Problem.badRequest("Content-Length is negative: " + length);
        if (declared > maxBytes) throw tooLarge();
        take(declared);
        byte[] bytes = new byte[(int) declared];
        try (InputStream in = stream()) {
            int read = in.readNBytes(bytes, 0, bytes.length);
            if (read < bytes.length) throw unreadable(new IOException("the body ended early"));
        }
        return bytes;
    }

    /** A body of unknown length, read piece by piece, each piece taken from the budget. */
    private byte[] readPieces() throws IOException {
        List<byte[]> pieces = new ArrayList<>();
        int total = 0;
        try (InputStream in = stream()) {
            while (true) {
                take(PIECE);
                byte[] piece = in.readNBytes(PIECE);
                pieces.add(piece);
                total += piece.length;
                if (total > maxBytes) throw tooLarge();
                if (piece.length < PIECE) break;
            }
        }
        take(total); // the copy below, while the pieces are still held
        byte[] body = new byte[total];
        int at = 0;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, body, at, piece.length);
            at += piece.length;
        }
        return body;
    }

    /** The body as it arrives; a failed read is a 400 problem, not an IOException. */
    InputStream stream() {
        return new FilterInputStream(exchange.getRequestBody()) {
            @Override
            public int read() {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw unreadable(e);
                }
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                try {
                    return super.read(buffer, offset, length);
                } catch (IOException e) {
                    throw unreadable(e);
                }
            }
        };
    }

    /** Gives back what was taken from the budget (the request has been answered). */
    void release() {
        if (budgetTaken > 0) admission.bodies().give(budgetTaken);
        budgetTaken = 0;
    }

    private void take(long bytes) {
        if (bytes == 0) return;
        if (!admission.bodies().tryTake(bytes)) throw admission.bodiesFull();
        budgetTaken += bytes;
    }

    private Problem unreadable(IOException e) {
        exchange.getResponseHeaders().set("Connection", "close"); // the framing is lost
        return Problem.badRequest("the request body could not be read: " + e.getMessage());
    }

    private Problem tooLarge() {
        // The unread rest of the body would be taken as the next request: close instead.
        exchange.getResponseHeaders().set("Connection", "close");
        return Problem.of(413, "content-too-large", "Content Too Large",
                "the request body is larger than " + maxBytes + " bytes");
    }
}
