package newsagg.http;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error handler, for what Jetty refuses before Javalin sees the request: a request line or URI over
 * {@link RequestLimits#MAX_HEADER_BYTES} (414), a header block over it (431), a malformed URI or message (400),
 * a CONNECT (405) or an HTTP version other than 1.0, 1.1 or 2 (505, the one 5xx a client can provoke), and
 * the 503 of a graceful stop: a request that arrives on an open connection after the stop began is refused by
 * Jetty's {@code GracefulHandler}, and its client must get a problem it can parse and a {@code Retry-After}, like
 * every other 503 of this API. It answers with the same problem JSON and security headers as the routes, instead
 * of Jetty's HTML page, which echoes the URI back and is written for every method.
 */
final class JettyErrors implements Request.Handler {

    private final Json json;

    JettyErrors(Json json) {
        this.json = json;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
        if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof HttpException http) {
            status = http.getCode();
        }
        if (status < 400) {
            status = 500;
        }
        if (status == 400 && "CONNECT".equals(request.getMethod())) {
            // Jetty refuses a well-formed CONNECT (authority-form target) as malformed; the truth is that no route
            // takes CONNECT. A CONNECT with a path is malformed and stays a 400.
            status = 405;
        }
        response.setStatus(status);
        SecurityHeaders.apply(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // Jetty closes the connection after a message it could not parse; saying so stops a client from sending
        // its next request down a connection that is about to close (the fuzz saw exactly that).
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        if (status == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
        }
        if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(json.bytes(problem(status))), callback);
        return true;
    }

    /** Jetty's own reason phrases can carry parser detail; these say what the client can fix. */
    static Problem problem(int status) {
        return switch (status) {
            case 400 -> Problem.of("bad-request", "Bad request", 400, "the request is malformed (e.g. an invalid URI or header)");
            case 405 -> Problem.of("method-not-allowed", "Method not allowed", 405, "the method is not allowed here");
            case 413 -> Problem.of("payload-too-large", "Payload too large", 413, "the request body is too large");
            case 414 -> Problem.of("uri-too-long", "URI too long", 414,
                    "the request line is longer than " + RequestLimits.MAX_HEADER_BYTES + " bytes");
            case 503 -> Problem.of("unavailable", "Service unavailable", 503, "the server is stopping; try again shortly");
            case 431 -> Problem.of("headers-too-large", "Request header fields too large", 431,
                    "the request headers are larger than " + RequestLimits.MAX_HEADER_BYTES + " bytes");
            default -> Problem.of("http-" + status, "Request refused", status, "the request was refused with status " + status);
        };
    }
}
