package newsagg.http;

import java.util.Map;

/**
 * Every kind of problem this API answers with, each defined once: its status, its type (a URN under
 * {@code urn:newsagg:problem:}, so clients can switch on it), its title and the headers that always go with it.
 * The routes throw them ({@link ApiException}), {@link NewsServer} maps exceptions and framework refusals to them, and
 * {@link JettyErrors} answers with them for what Jetty refuses before a route runs. The detail is for humans and says
 * what happened this time; a type whose detail never varies carries it here.
 */
enum ProblemType {

    INVALID_PARAMETER(400, "invalid-parameter", "Invalid parameter"),
    BAD_REQUEST(400, "bad-request", "Bad request", "the request is malformed (e.g. an invalid URI or header)"),
    UNAUTHORIZED(401, "unauthorized", "Unauthorized", "authentication required", Map.of("WWW-Authenticate", "Bearer")),
    CORS_REFUSED(403, "cors-refused", "Forbidden",
            "cross-origin requests are allowed only for GET and HEAD on the read API from configured origins"),
    DISABLED(403, "disabled", "Forbidden"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    CONFLICT(409, "conflict", "Conflict"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "Payload too large", "the request body is too large"),
    URI_TOO_LONG(414, "uri-too-long", "URI too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    /** Its {@code Retry-After} is the lock's own, so it is not fixed here. */
    TOO_MANY_FAILURES(429, "too-many-failures", "Too many requests"),
    HEADERS_TOO_LARGE(431, "headers-too-large", "Request header fields too large",
            "the request headers are larger than " + RequestLimits.MAX_HEADER_BYTES + " bytes"),
    INTERNAL_ERROR(500, "internal-error", "Internal server error", "an unexpected error occurred; it has been logged"),
    /** The database is not answering, or the server is stopping: either way, the same request will do shortly. */
    UNAVAILABLE(503, "unavailable", "Service unavailable", null, Map.of("Retry-After", "5"));

    /** The prefix of every problem type. */
    static final String URN_PREFIX = "urn:newsagg:problem:";

    private final int status;
    private final String uri;
    private final String title;
    private final String fixedDetail;
    private final Map<String, String> headers;

    ProblemType(int status, String name, String title) {
        this(status, name, title, null, Map.of());
    }

    ProblemType(int status, String name, String title, String fixedDetail) {
        this(status, name, title, fixedDetail, Map.of());
    }

    ProblemType(int status, String name, String title, String fixedDetail, Map<String, String> headers) {
        this.status = status;
        this.uri = URN_PREFIX + name;
        this.title = title;
        this.fixedDetail = fixedDetail;
        this.headers = headers;
    }

    int status() {
        return status;
    }

    /** The {@code type} member of the problem document. */
    String uri() {
        return uri;
    }

    String title() {
        return title;
    }

    /** Headers every answer of this type carries. */
    Map<String, String> headers() {
        return headers;
    }

    /** The problem document with this time's detail. */
    Problem problem(String detail) {
        return new Problem(uri, title, status, detail);
    }

    /** The problem document of a type whose detail never varies. */
    Problem problem() {
        if (fixedDetail == null) {
            throw new IllegalStateException(name() + " needs a detail");
        }
        return problem(fixedDetail);
    }

    /**
     * A refusal no type here names (a status Jetty or Javalin chose that no route produces): {@code http-<status>},
     * saying no more than the status.
     */
    static Problem refused(int status) {
        return new Problem(URN_PREFIX + "http-" + status, "Request refused", status,
                "the request was refused with status " + status);
    }
}
