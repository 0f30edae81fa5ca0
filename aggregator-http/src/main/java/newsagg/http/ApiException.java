package newsagg.http;

/**
 * A request that cannot be served, as the client will see it: an HTTP status, a problem type and a
 * human-readable detail. Thrown by handlers; turned into {@code application/problem+json} in one place.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;

    private ApiException(int status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    /** A 400 that names the parameter at fault. */
    public static ApiException invalidParameter(String parameter, String reason) {
        return new ApiException(400, "invalid-parameter", "Invalid parameter", parameter + ": " + reason);
    }

    /** A 401: the credentials are missing or wrong. Deliberately says nothing more. */
    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "Unauthorized", "a valid bearer token is required");
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
}
