package newsagg.http;

/**
 * A request that cannot be served, as the client will see it: an HTTP status, a problem type and a
 * human-readable detail. Thrown by handlers; turned into {@code application/problem+json} in one place.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final long retryAfterSeconds;

    private ApiException(int status, String type, String title, String detail) {
        this(status, type, title, detail, 0);
    }

    private ApiException(int status, String type, String title, String detail, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A 400 that names the parameter at fault. */
    public static ApiException invalidParameter(String parameter, String reason) {
        return new ApiException(400, "invalid-parameter", "Invalid parameter", parameter + ": " + reason);
    }

    /** A 401: the credentials are missing or wrong. Deliberately says nothing more, not even which. */
    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "Unauthorized", "authentication required");
    }

    /** A 429 for an address that failed authentication too often; the client may retry after the lock. */
    public static ApiException tooManyFailures(long retryAfterSeconds) {
        return new ApiException(429, "too-many-failures", "Too many requests",
                "too many failed authentication attempts from this address; retry after " + retryAfterSeconds + " s",
                retryAfterSeconds);
    }

    /** A 403 for a CORS preflight from an origin, or for a method, that is not allowed. */
    public static ApiException corsRefused() {
        return new ApiException(403, "cors-refused", "Forbidden",
                "cross-origin requests are allowed only for GET and HEAD on the read API from configured origins");
    }

    /** A 413 for a body over the server's cap. */
    public static ApiException payloadTooLarge() {
        return new ApiException(413, "payload-too-large", "Payload too large", "the request body is too large");
    }

    /** A 414 for a URI over one of the server's caps. */
    public static ApiException uriTooLong(String detail) {
        return new ApiException(414, "uri-too-long", "URI too long", detail);
    }

    /** A 403 for endpoints that are switched off, saying how to switch them on. */
    public static ApiException disabled(String detail) {
        return new ApiException(403, "disabled", "Forbidden", detail);
    }

    /** A 409: the request conflicts with what exists, e.g. a feed URL that is already a source. */
    public static ApiException conflict(String detail) {
        return new ApiException(409, "conflict", "Conflict", detail);
    }

    /** A 415 that says which content types the endpoint takes. */
    public static ApiException unsupportedMediaType(String accepted) {
        return new ApiException(415, "unsupported-media-type", "Unsupported media type",
                "the body must be " + accepted);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not-found", "Not found", detail);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** Seconds for a {@code Retry-After} header; 0 when there is none to send. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
