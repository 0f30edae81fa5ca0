package newsagg.http;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers, for what is refused before Javalin runs, as RFC 9457 problems instead of Jetty's HTML
 * page. The one that matters is the 503 of a graceful stop: a request that reaches the server after the stop began
 * is refused by Jetty's {@code GracefulHandler}, and its client must get a problem it can parse and a
 * {@code Retry-After}, like every other 503 of this API.
 */
final class JettyProblems implements Request.Handler {

    private final Json json;

    JettyProblems(Json json) {
        this.json = json;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        Problem problem = status == 503
                ? Problem.of("unavailable", "Service unavailable", 503, "the server is stopping; try again shortly")
                : Problem.of("http-" + status, "Request refused", status, "the request was refused with status " + status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        if (status == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
        }
        response.write(true, ByteBuffer.wrap(json.bytes(problem)), callback);
        return true;
    }
}
