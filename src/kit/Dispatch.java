package kit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * Hands each exchange to its route's handler and turns whatever the handler throws into the
 * one error shape: a {@link Problem} is sent as it is, anything else is logged (with the
 * request id) and answered with a 500 problem that shows no stack trace.
 */
final class Dispatch implements HttpHandler {
    private final Routes routes;
    private final Limits limits;
    private final Admission admission;

    Dispatch(Routes routes, Limits limits, Admission admission) {
        this.routes = routes;
        this.limits = limits;
        this.admission = admission;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            answer(exchange);
        } catch (IOException e) {
            // Writing the answer failed: the client went away, or HttpServer's request timeout
            // closed the connection of a client that stopped sending. Nobody is left to tell.
            Log.info("client gone", "error", e.toString());
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        Request request = null;
        try {
            Routes.Match match = routes.find(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath());
            AccessLog.ROUTE.set(match.pattern());
            request = new Request(exchange, match.params(), limits.maxBodyBytes(), admission);
            match.handler().handle(request);
        } catch (Problem problem) {
            if (exchange.getResponseCode() == -1) problem.send(exchange);
        } catch (IOException | RuntimeException e) {
            Log.error("unhandled", "error", e.toString(), "at", firstFrame(e));
            if (exchange.getResponseCode() == -1) {
                Problem.of(500, "internal", "Internal Server Error",
                        "the service failed; the log line with this request_id says why")
                        .send(exchange);
            }
        } finally {
            if (request != null) request.releaseBody();
        }
        if (exchange.getResponseCode() == -1) {
            Problem.of(500, "no-response", "Internal Server Error", "no response was written")
                    .send(exchange);
        }
    }

    private static String firstFrame(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length == 0 ? "?" : trace[0].toString();
    }
}
