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
        ProblemType type = type(status);
        if (type != null) {
            type.headers().forEach(response.getHeaders()::put);
        }
        if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(json.bytes(type == null ? ProblemType.refused(status) : problem(type))),
                callback);
        return true;
    }

    /** What Jetty's refusal with this status is, or null for a status no type names. */
    private static ProblemType type(int status) {
        return switch (status) {
            case 400 -> ProblemType.BAD_REQUEST;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 414 -> ProblemType.URI_TOO_LONG;
            case 431 -> ProblemType.HEADERS_TOO_LARGE;
            case 503 -> ProblemType.UNAVAILABLE;
            default -> null;
        };
    }

    /** Jetty's own reason phrases can carry parser detail; these say what the client can fix. */
    private static Problem problem(ProblemType type) {
        return switch (type) {
            case METHOD_NOT_ALLOWED -> type.problem("the method is not allowed here");
            case URI_TOO_LONG -> type.problem("the request line is longer than " + RequestLimits.MAX_HEADER_BYTES + " bytes");
            case UNAVAILABLE -> type.problem("the server is stopping; try again shortly");
            default -> type.problem();
        };
    }
}
