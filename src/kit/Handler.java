package kit;

import java.io.IOException;

/** Handles one route. Throw a {@link Problem} to answer with an error. */
@FunctionalInterface
public interface Handler {
    void handle(Request request) throws IOException;
}
