package gateway;

/**
 * A file the gateway was given that it cannot use (the routing table, the API keys): its
 * message names the file and the line, and the gateway does not start.
 */
final class SetupError extends Exception {
    SetupError(String message) {
        super(message, null, false, false);
    }

    @Override
    public String toString() { // Service.run logs "cannot start: " + this
        return getMessage();
    }
}
