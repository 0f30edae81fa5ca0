package newsagg.http;

/**
 * A request that cannot be served, as the client will see it: a {@link ProblemType} and a human-readable detail.
 * Thrown by handlers; turned into {@code application/problem+json} in one place ({@link NewsServer}).
 */
final class ApiException extends RuntimeException {

    private final ProblemType type;
    private final long retryAfterSeconds;

    private ApiException(ProblemType type, String detail) {
        this(type, detail, 0);
    }

    private ApiException(ProblemType type, String detail, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    private ApiException(ProblemType type) {
        this(type, type.problem().detail());
    }

    /** A 400 that names the parameter at fault. */
    public static ApiException invalidParameter(String parameter, String reason) {
        return new ApiException(ProblemType.INVALID_PARAMETER, parameter + ": " + reason);
    }

    /** A 401: the credentials are missing or wrong. Deliberately says nothing more, not even which. */
    public static ApiException unauthorized() {
        return new ApiException(ProblemType.UNAUTHORIZED);
    }

    /** A 429 for an address that failed authentication too often; the client may retry after the lock. */
    public static ApiException tooManyFailures(long retryAfterSeconds) {
        return new ApiException(ProblemType.TOO_MANY_FAILURES,
                "too many failed authentication attempts from this address; retry after " + retryAfterSeconds + " s",
                retryAfterSeconds);
    }

    /** A 403 for a CORS preflight from an origin, or for a method, that is not allowed. */
    public static ApiException corsRefused() {
        return new ApiException(ProblemType.CORS_REFUSED);
    }

    /** A 413 for a body over the server's cap. */
    public static ApiException payloadTooLarge() {
        return new ApiException(ProblemType.PAYLOAD_TOO_LARGE);
    }

    /** A 414 for a URI over one of the server's caps. */
    public static ApiException uriTooLong(String detail) {
        return new ApiException(ProblemType.URI_TOO_LONG, detail);
    }

    /** A 403 for endpoints that are switched off, saying how to switch them on. */
    public static ApiException disabled(String detail) {
        return new ApiException(ProblemType.DISABLED, detail);
    }

    /** A 409: the request conflicts with what exists, e.g. a feed URL that is already a source. */
    public static ApiException conflict(String detail) {
        return new ApiException(ProblemType.CONFLICT, detail);
    }

    /** A 415 that says which content types the endpoint takes. */
    public static ApiException unsupportedMediaType(String accepted) {
        return new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "the body must be " + accepted);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(ProblemType.NOT_FOUND, detail);
    }

    ProblemType type() {
        return type;
    }

    /** Seconds for a {@code Retry-After} header; 0 when there is none to send. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
